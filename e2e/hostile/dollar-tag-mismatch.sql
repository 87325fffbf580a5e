-- Opened with $a$, closed with $b$: PostgreSQL keeps reading the body to the end.
DO $a$
BEGIN
  PERFORM 1;
END
$b$;
