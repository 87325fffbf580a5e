import { describe, expect, it } from 'vitest'
import { splitStatements, SqlSyntaxError } from './split'

describe('splitStatements', () => {
  it('splits by the PostgreSQL parser: semicolons in strings, dollar quotes and comments do not split', async () => {
    const script = `-- add a column
ALTER TABLE orders ADD COLUMN note text DEFAULT 'a;b';

CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;
CREATE INDEX CONCURRENTLY orders_note ON orders (note);
UPDATE orders SET note = 'é' WHERE id < 10`
    const statements = await splitStatements(script)
    expect(statements.map((s) => [s.line, s.kind, s.transactional, s.lock])).toEqual([
      [2, 'AlterTableStmt', true, 'ACCESS EXCLUSIVE on orders'],
      [4, 'CreateFunctionStmt', true, 'no table lock (creates a new object)'],
      [5, 'IndexStmt', false, 'SHARE UPDATE EXCLUSIVE on orders'],
      [6, 'UpdateStmt', true, 'ROW EXCLUSIVE on orders'],
    ])
    expect(statements[0]?.sql).toBe("ALTER TABLE orders ADD COLUMN note text DEFAULT 'a;b'")
    expect(statements[1]?.sql).toContain('RETURN 1; END $$')
    expect(statements[3]?.sql).toBe("UPDATE orders SET note = 'é' WHERE id < 10")
  })

  it('knows the statements that cannot run in a transaction', async () => {
    const kinds = await splitStatements(
      'DROP INDEX CONCURRENTLY i; REINDEX INDEX CONCURRENTLY i; VACUUM t; ANALYZE t; DROP INDEX i;',
    )
    expect(kinds.map((s) => s.transactional)).toEqual([false, false, false, true, true])
  })

  it('names the index of a CREATE INDEX CONCURRENTLY as PostgreSQL will: unquoted names in lower case, quoted ones as written', async () => {
    const statements = await splitStatements(
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS Orders_Created_Idx ON Sales."Orders" (a); CREATE INDEX CONCURRENTLY "Mixed ""Q"" Idx" ON t (a); CREATE INDEX CONCURRENTLY ON t (a); CREATE INDEX t_a ON t (a);',
    )
    expect(statements.map((s) => s.concurrentIndex)).toEqual([
      { name: 'orders_created_idx', schema: 'sales', table: 'Orders' },
      { name: 'Mixed "Q" Idx', schema: null, table: 't' },
      { name: null, schema: null, table: 't' },
      null,
    ])
  })

  it('marks the statements that can lose data', async () => {
    const script = `CREATE TABLE t (id int PRIMARY KEY, note text);
ALTER TABLE t ADD COLUMN done boolean;
CREATE INDEX CONCURRENTLY t_note ON t (note);
INSERT INTO t VALUES (1, 'a') ON CONFLICT DO NOTHING;
INSERT INTO t VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET note = excluded.note;
UPDATE t SET note = 'b';
DELETE FROM t WHERE id = 1;
ALTER TABLE t ALTER COLUMN note TYPE varchar(1);
ALTER TABLE t DROP COLUMN done;
ALTER TABLE t RENAME COLUMN note TO remark;
TRUNCATE t;
DO $$ BEGIN PERFORM 1; END $$;
DROP TABLE t;`
    expect((await splitStatements(script)).map((s) => s.destructive)).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      true,
      false,
      true,
      true,
      true,
    ])
  })

  it('reports the line of a syntax error', async () => {
    await expect(splitStatements('SELECT 1;\nSELECT FROM WHERE;')).rejects.toThrow(
      new SqlSyntaxError('syntax error at or near "WHERE"', 2),
    )
  })

  it("takes a script's own transaction control as statements that cannot run inside Lockstep's transaction; savepoints can", async () => {
    const statements = await splitStatements(
      'BEGIN;\nSAVEPOINT a;\nROLLBACK TO SAVEPOINT a;\nCOMMIT;\nSTART TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nEND;\nBEGIN;\nROLLBACK;',
    )
    expect(statements.map((s) => [s.line, s.transactionControl, s.transactional])).toEqual([
      [1, 'begin', false],
      [2, null, true],
      [3, null, true],
      [4, 'end', false],
      [5, 'begin', false],
      [6, 'end', false],
      [7, 'begin', false],
      [8, 'end', false],
    ])
  })
})
