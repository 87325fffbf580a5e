import { describe, expect, it } from 'vitest'
import { splitStatements } from './split'

const locksOf = async (sql: string) => (await splitStatements(sql)).map((s) => s.lock)

// Each expectation follows PostgreSQL's documentation: "Table-level Lock Modes" and the ALTER TABLE page.
describe('the locks a statement takes', () => {
  it('a foreign key takes SHARE ROW EXCLUSIVE on both tables, not ACCESS EXCLUSIVE', async () => {
    const [fk] = await splitStatements(
      'ALTER TABLE "Booking" ADD CONSTRAINT "Booking_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;',
    )
    expect(fk?.locks).toEqual([
      { table: 'Booking', mode: 'SHARE ROW EXCLUSIVE' },
      { table: 'User', mode: 'SHARE ROW EXCLUSIVE' },
    ])
    expect(fk?.lock).toBe('SHARE ROW EXCLUSIVE on Booking and User')
    expect(fk?.lockUnknown).toBe(false)
  })

  it('a new table referencing another locks only the referenced one; a new partition locks its parent', async () => {
    expect(
      await locksOf(
        'CREATE TABLE "Team" (id int PRIMARY KEY);\nCREATE TABLE b (id int, u int REFERENCES s."User"(id));\nCREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);',
      ),
    ).toEqual(['no table lock (a new table)', 'SHARE ROW EXCLUSIVE on s.User', 'ACCESS EXCLUSIVE on p'])
  })

  it('ALTER TYPE … ADD VALUE takes no table lock, and says so instead of assuming one', async () => {
    const [add] = await splitStatements(`ALTER TYPE "Role" ADD VALUE 'ADMIN';`)
    expect(add?.locks).toEqual([])
    expect(add?.lock).toMatch(/^no table lock \(ALTER TYPE … ADD VALUE/)
    expect(add?.lock).not.toMatch(/assumed|ACCESS EXCLUSIVE/)
  })

  it('a DO block, a procedure call and a call of an unknown function say "unknown", never "none"', async () => {
    const statements = await splitStatements(`DO $$ BEGIN DELETE FROM "User" WHERE id = 1; END $$;
CALL archive_orders(2024);
SELECT create_hypertable('metrics', 'time');
SELECT count(*), now() FROM orders;
INSERT INTO audit SELECT * FROM orders WHERE touch(id);`)
    expect(statements.map((s) => s.lockUnknown)).toEqual([true, true, true, false, true])
    expect(statements[0]?.lock).toBe('unknown (a DO block: what its body locks is not analysed)')
    expect(statements[1]?.lock).toBe('unknown (calls the procedure archive_orders(), whose locks are not known)')
    expect(statements[2]?.lock).toBe('unknown (calls create_hypertable(), whose locks are not known)')
    expect(statements[3]?.lock).toBe('ACCESS SHARE on orders')
    expect(statements[4]?.lock).toBe(
      'ROW EXCLUSIVE on audit; ACCESS SHARE on orders; unknown (calls touch(), whose locks are not known)',
    )
    expect(statements.every((s) => !/none/.test(s.lock))).toBe(true)
  })

  it('follows the documentation for the other kinds', async () => {
    expect(
      await locksOf(`SELECT * FROM a JOIN b ON true;
SELECT * FROM a FOR UPDATE;
WITH x AS (SELECT 1) SELECT * FROM x;
UPDATE a SET v = 1 FROM b WHERE a.id = b.id;
DELETE FROM a;
CREATE INDEX i ON a (v);
CREATE INDEX CONCURRENTLY j ON a (v);
DROP INDEX i;
DROP INDEX CONCURRENTLY j;
DROP TABLE a, b;
TRUNCATE a;
LOCK TABLE a IN SHARE MODE;
VACUUM a;
VACUUM FULL a;
ANALYZE a;
CREATE TRIGGER t BEFORE UPDATE ON a FOR EACH ROW EXECUTE FUNCTION f();
DROP TRIGGER t ON a;
COMMENT ON COLUMN a.v IS 'value';
REFRESH MATERIALIZED VIEW CONCURRENTLY m;
REFRESH MATERIALIZED VIEW m;
ALTER TABLE a VALIDATE CONSTRAINT c;
ALTER TABLE a ALTER COLUMN v SET STATISTICS 500;
ALTER TABLE a ADD COLUMN w int, ALTER COLUMN v SET DEFAULT 0;
ALTER TABLE a DISABLE TRIGGER t;
ALTER TABLE a ADD CONSTRAINT a_v_key UNIQUE (v);
ALTER TABLE a RENAME COLUMN v TO w;
ALTER INDEX i RENAME TO k;
ALTER TABLE p ATTACH PARTITION p2 FOR VALUES IN (2);
CREATE STATISTICS s ON v, w FROM a;
CREATE TYPE "Status" AS ENUM ('a', 'b');
ALTER TYPE "Status" RENAME TO "Status_old";
DROP TYPE "Status_old";
CREATE EXTENSION IF NOT EXISTS pgcrypto;
SET search_path = public;`),
    ).toEqual([
      'ACCESS SHARE on a and b',
      'ROW SHARE on a',
      'no table lock',
      'ROW EXCLUSIVE on a; ACCESS SHARE on b',
      'ROW EXCLUSIVE on a',
      'SHARE on a',
      'SHARE UPDATE EXCLUSIVE on a',
      'ACCESS EXCLUSIVE on i (index) and its table',
      'SHARE UPDATE EXCLUSIVE on j (index) and its table',
      'ACCESS EXCLUSIVE on a and b',
      'ACCESS EXCLUSIVE on a',
      'SHARE on a',
      'SHARE UPDATE EXCLUSIVE on a',
      'ACCESS EXCLUSIVE on a',
      'SHARE UPDATE EXCLUSIVE on a',
      'SHARE ROW EXCLUSIVE on a',
      'ACCESS EXCLUSIVE on a',
      'SHARE UPDATE EXCLUSIVE on a',
      'EXCLUSIVE on m',
      'ACCESS EXCLUSIVE on m',
      'SHARE UPDATE EXCLUSIVE on a',
      'SHARE UPDATE EXCLUSIVE on a',
      'ACCESS EXCLUSIVE on a',
      'SHARE ROW EXCLUSIVE on a',
      'ACCESS EXCLUSIVE on a',
      'ACCESS EXCLUSIVE on a',
      'SHARE UPDATE EXCLUSIVE on i',
      'ACCESS EXCLUSIVE on p2; SHARE UPDATE EXCLUSIVE on p',
      'SHARE UPDATE EXCLUSIVE on a',
      'no table lock (creates a new object)',
      'no table lock (renames an object that is not a table)',
      'no table lock (drops an object that is not a table)',
      "unknown (runs the extension's own script)",
      'no table lock',
    ])
  })
})
