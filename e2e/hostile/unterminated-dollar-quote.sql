-- A trigger function whose dollar-quoted body never closes: everything after $body$ would be swallowed.
CREATE FUNCTION touch_updated_at() RETURNS trigger AS $body$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TABLE customers;
