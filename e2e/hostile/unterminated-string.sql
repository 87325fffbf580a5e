-- The quote after "it" is doubled on one side only, so the string runs to the end of the script.
UPDATE orders SET note = 'it''s shipped WHERE id = 1;
DELETE FROM orders WHERE id = 2;
