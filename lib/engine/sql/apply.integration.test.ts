import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { applyScripts, rollbackScript, type Script } from './apply'
import { ApplyRefused, type ApplyEvent } from '@/lib/targets/sql/session'
import { checksumOf, HISTORY_TABLE } from '@/lib/targets/sql/history'

async function target(): Promise<{
  target: PostgresTarget
  sql: (text: string, params?: unknown[]) => Promise<pg.QueryResult>
}> {
  const url = new URL(await createFreshDatabase('apply', { migrate: false }))
  const t: PostgresTarget = {
    host: url.hostname,
    port: Number(url.port),
    database: url.pathname.slice(1),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    sslMode: 'disable',
  }
  const sql = async (text: string, params: unknown[] = []) => {
    const client = new pg.Client({ ...t, ssl: false })
    await client.connect()
    try {
      return await client.query(text, params)
    } finally {
      await client.end()
    }
  }
  return { target: t, sql }
}

const THREE: Script[] = [
  {
    version: 'V1',
    description: 'orders table',
    sql: 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);\nINSERT INTO orders SELECT g, g FROM generate_series(1, 1000) g;\nALTER TABLE orders ADD COLUMN status text, ADD COLUMN note text;',
  },
  { version: 'V2', description: 'index on status', sql: 'CREATE INDEX CONCURRENTLY orders_status ON orders (status);' },
  { version: 'V3', description: 'backfill status', sql: "UPDATE orders SET status = 'open' WHERE status IS NULL;" },
]

describe('applying SQL scripts to a PostgreSQL target', () => {
  it('applies three scripts once, records them with checksums, and refuses an edited applied script', async () => {
    const { target: t, sql } = await target()
    const events: ApplyEvent[] = []
    const first = await applyScripts(t, THREE, { appliedBy: 'test', log: (e) => events.push(e) })
    expect(first.map((o) => [o.version, o.status, o.statementsApplied])).toEqual([
      ['V1', 'APPLIED', 3],
      ['V2', 'APPLIED', 1],
      ['V3', 'APPLIED', 1],
    ])
    expect(events.some((e) => e.message.includes('V2') && e.message.includes('statement by statement'))).toBe(true)
    const history = (
      await sql(
        `SELECT version, checksum, success, statements_applied, statements_total FROM ${HISTORY_TABLE} ORDER BY version`,
      )
    ).rows
    expect(history).toEqual(
      THREE.map((s, i) => ({
        version: s.version,
        checksum: checksumOf(s.sql),
        success: true,
        statements_applied: i === 0 ? 3 : 1,
        statements_total: i === 0 ? 3 : 1,
      })),
    )
    expect((await sql(`SELECT count(*)::int AS n FROM orders WHERE status = 'open'`)).rows[0]?.n).toBe(1000)
    expect(
      (await sql(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_status'::regclass`)).rows[0]?.indisvalid,
    ).toBe(true)

    const again = await applyScripts(t, THREE, { appliedBy: 'test' })
    expect(again.map((o) => o.status)).toEqual(['ALREADY_APPLIED', 'ALREADY_APPLIED', 'ALREADY_APPLIED'])
    const edited = THREE.map((s, i) => (i === 0 ? { ...s, sql: `${s.sql}\n-- tweak` } : s))
    await expect(applyScripts(t, edited, { appliedBy: 'test' })).rejects.toThrow(
      new RegExp(`V1 \\(orders table\\) changed after it ran`),
    )
  })

  it('leaves no trace of a transactional script that fails on its third statement; its rollback then runs', async () => {
    const { target: t, sql } = await target()
    const script: Script = {
      version: 'V1',
      description: 'bad',
      sql: 'CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\nSELECT 1 / 0;',
      rollbackSql: 'DROP TABLE IF EXISTS a;',
    }
    const [outcome] = await applyScripts(t, [script], { appliedBy: 'test' })
    expect(outcome).toMatchObject({ status: 'FAILED', statementsApplied: 0, error: 'V1, line 3: division by zero' })
    expect((await sql(`SELECT to_regclass('a') AS t`)).rows[0]?.t).toBeNull()
    expect((await sql(`SELECT success, error FROM ${HISTORY_TABLE}`)).rows).toEqual([
      { success: false, error: 'V1, line 3: division by zero' },
    ])
    // A failed script stays failed until someone decides.
    await expect(applyScripts(t, [script], { appliedBy: 'test' })).rejects.toBeInstanceOf(ApplyRefused)
    expect(await rollbackScript(t, script, { appliedBy: 'test' })).toMatchObject({ status: 'APPLIED' })
    expect(
      (await sql(`SELECT rolled_back_at IS NOT NULL AS rolled_back FROM ${HISTORY_TABLE} WHERE version = 'V1'`)).rows[0]
        ?.rolled_back,
    ).toBe(true)
  })

  it('gives up after its lock timeout and retries instead of queueing behind a lock holder, and names the holder', async () => {
    const { target: t, sql } = await target()
    await sql('CREATE TABLE busy (id int)')
    const holder = new pg.Client({ ...t, ssl: false, application_name: 'long report' })
    await holder.connect()
    await holder.query('BEGIN; LOCK TABLE busy IN ACCESS SHARE MODE')
    const holderPid = (await holder.query('SELECT pg_backend_pid() AS pid')).rows[0]?.pid as number
    const events: ApplyEvent[] = []
    const started = Date.now()
    try {
      const [outcome] = await applyScripts(
        t,
        [{ version: 'V1', description: 'alter busy', sql: 'ALTER TABLE busy ADD COLUMN c int;' }],
        { appliedBy: 'test', lockTimeoutMs: 300, lockRetries: 2, log: (e) => events.push(e) },
      )
      expect(outcome?.status).toBe('FAILED')
      expect(outcome?.error).toContain('No lock within 300 ms after 3 tries')
      expect(outcome?.error).toContain(`blocked by session ${holderPid}`)
      expect(outcome?.error).toContain('long report')
      expect(events.filter((e) => e.message.startsWith('V1, line 1: no lock within 300 ms')).length).toBe(2)
      expect(Date.now() - started).toBeLessThan(10_000)
    } finally {
      await holder.query('ROLLBACK')
      await holder.end()
    }
    // A reader is never stuck behind the migration for longer than the lock timeout.
    expect((await sql('SELECT count(*)::int AS n FROM busy')).rows[0]?.n).toBe(0)
  })

  it('never lets two runs on one target overlap: the second waits, then finds the scripts applied', async () => {
    const { target: t, sql } = await target()
    const slow: Script[] = [
      {
        version: 'V1',
        description: 'slow',
        sql: 'CREATE TABLE slow (id int);\nSELECT pg_sleep(1);\nINSERT INTO slow VALUES (1);',
      },
    ]
    const events: ApplyEvent[] = []
    const [a, b] = await Promise.all([
      applyScripts(t, slow, { appliedBy: 'a', log: (e) => events.push(e) }),
      applyScripts(t, slow, { appliedBy: 'b', log: (e) => events.push(e) }),
    ])
    expect([a?.[0]?.status, b?.[0]?.status].sort()).toEqual(['ALREADY_APPLIED', 'APPLIED'])
    expect(events.some((e) => e.message.startsWith('Waiting for another run on this database'))).toBe(true)
    expect((await sql('SELECT count(*)::int AS n FROM slow')).rows[0]?.n).toBe(1)
  })

  it('drops the INVALID index a failed CREATE INDEX CONCURRENTLY left before building it again, found by the name PostgreSQL gave it', async () => {
    const { target: t, sql } = await target()
    await sql(
      `CREATE SCHEMA sales; CREATE TABLE sales.orders (id int PRIMARY KEY, code text, ref text); INSERT INTO sales.orders VALUES (1, 'a', 'x'), (2, 'a', 'x')`,
    )
    // An unquoted name is folded to lower case; a quoted one keeps its case, its spaces and its quotes.
    const cases = [
      {
        script: {
          version: 'V1',
          description: 'unique code',
          sql: 'CREATE UNIQUE INDEX CONCURRENTLY Orders_Code_Key ON sales.orders (code);',
        },
        name: 'orders_code_key',
        fix: `UPDATE sales.orders SET code = 'b' WHERE id = 2`,
      },
      {
        script: {
          version: 'V2',
          description: 'unique ref',
          sql: 'CREATE UNIQUE INDEX CONCURRENTLY "Orders ""Ref"" Key" ON sales.orders (ref);',
        },
        name: 'Orders "Ref" Key',
        fix: `UPDATE sales.orders SET ref = 'y' WHERE id = 2`,
      },
    ]
    for (const { script, name, fix } of cases) {
      const [failed] = await applyScripts(t, [script], { appliedBy: 'test' })
      expect(failed?.status).toBe('FAILED')
      expect(failed?.error).toContain(`The index ${name} was left INVALID`)
      await sql(fix)
      const events: ApplyEvent[] = []
      const [retried] = await applyScripts(t, [script], {
        appliedBy: 'test',
        retryFailed: true,
        log: (e) => events.push(e),
      })
      expect(retried?.status).toBe('APPLIED')
      expect(events.map((e) => e.message)).toContain(
        `Dropping the INVALID index ${name} the interrupted attempt left, before building it again.`,
      )
      const indexes = await sql(
        `SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1 AND c.relnamespace = 'sales'::regnamespace`,
        [name],
      )
      expect(indexes.rows).toEqual([{ indisvalid: true }])
    }
  })

  it('tries transactional scripts in a dry run and leaves nothing behind', async () => {
    const { target: t, sql } = await target()
    const outcomes = await applyScripts(t, THREE, { appliedBy: 'test', dryRun: true })
    expect(outcomes.map((o) => o.status)).toEqual(['DRY_RUN', 'SKIPPED', 'FAILED'])
    expect(
      (await sql(`SELECT to_regclass('orders') AS t, (SELECT count(*)::int FROM ${HISTORY_TABLE}) AS n`)).rows[0],
    ).toEqual({ t: null, n: 0 })
  })

  it('applies and rolls back without a history table when told not to record history', async () => {
    const { target: t, sql } = await target()
    const options = { appliedBy: 'test', recordHistory: false }
    expect((await applyScripts(t, THREE, options)).map((o) => o.status)).toEqual(['APPLIED', 'APPLIED', 'APPLIED'])
    // Nothing says V1 ran, so it runs again, and its statement-by-statement failure counts what did run.
    const [again] = await applyScripts(
      t,
      [
        {
          version: 'V1',
          description: 'again',
          sql: 'CREATE INDEX CONCURRENTLY orders_total ON orders (total);\nCREATE INDEX CONCURRENTLY orders_status ON orders (status);',
        },
      ],
      options,
    )
    expect(again).toMatchObject({
      status: 'FAILED',
      statementsApplied: 1,
      error: 'V1, line 2: relation "orders_status" already exists',
    })
    expect(
      await rollbackScript(
        t,
        { version: 'V1', description: 'orders table', sql: '', rollbackSql: 'DROP TABLE orders;' },
        options,
      ),
    ).toMatchObject({ status: 'APPLIED' })
    expect((await sql(`SELECT to_regclass('orders') AS t, to_regclass('${HISTORY_TABLE}') AS h`)).rows[0]).toEqual({
      t: null,
      h: null,
    })
  })

  it('runs a script with its own BEGIN … COMMIT as written: a failure inside a block undoes only that block, and a retry starts at its BEGIN', async () => {
    const { target: t, sql } = await target()
    const script: Script = {
      version: 'V1',
      description: 'enum and rows',
      file: 'V1__enum_and_rows.sql',
      sql: `CREATE TYPE status AS ENUM ('a', 'b');
CREATE TABLE t (id int PRIMARY KEY, s status);
BEGIN;
INSERT INTO t VALUES (1, 'a');
COMMIT;
BEGIN;
INSERT INTO t VALUES (2, 'b');
INSERT INTO t VALUES (1, 'b');
COMMIT;`,
    }
    const events: ApplyEvent[] = []
    const [failed] = await applyScripts(t, [script], { appliedBy: 'test', log: (e) => events.push(e) })
    expect(failed).toMatchObject({
      status: 'FAILED',
      statementsApplied: 5,
      error:
        'V1__enum_and_rows.sql, line 8: duplicate key value violates unique constraint "t_pkey" (Key (id)=(1) already exists.)',
      transactions: "as written, in its own transactions (lines 3–5, lines 6–9), without Lockstep's",
    })
    expect(events.map((e) => e.message)).toContain(
      "Applying V1 (9 statements, as written, in its own transactions (lines 3–5, lines 6–9), without Lockstep's).",
    )
    expect((await sql('SELECT id, s::text FROM t ORDER BY id')).rows).toEqual([{ id: 1, s: 'a' }])
    expect(
      (await sql(`SELECT statements_applied, success, transaction_mode, error FROM ${HISTORY_TABLE}`)).rows,
    ).toEqual([{ statements_applied: 5, success: false, transaction_mode: 'script', error: failed?.error }])

    await sql('DELETE FROM t')
    const [retried] = await applyScripts(t, [script], {
      appliedBy: 'test',
      retryFailed: true,
      log: (e) => events.push(e),
    })
    expect(retried).toMatchObject({ status: 'APPLIED', statementsApplied: 9 })
    expect(events.map((e) => e.message)).toContain(
      "Applying V1 (9 statements, as written, in its own transactions (lines 3–5, lines 6–9), without Lockstep's, resuming at statement 6).",
    )
    expect((await sql('SELECT id, s::text FROM t ORDER BY id')).rows).toEqual([
      { id: 1, s: 'b' },
      { id: 2, s: 'b' },
    ])
    expect((await sql(`SELECT success, transaction_mode FROM ${HISTORY_TABLE}`)).rows).toEqual([
      { success: true, transaction_mode: 'script' },
    ])
  })

  it('refuses before running anything a script that does not parse or never commits, naming its file and line', async () => {
    const { target: t, sql } = await target()
    const first: Script = { version: 'V1', description: 'a', file: 'V1__a.sql', sql: 'CREATE TABLE a (id int);' }
    const unparsable: Script = {
      version: 'V2',
      description: 'bad',
      file: 'sql/V2__bad.sql',
      sql: 'SELECT 1;\nSELEC 2;',
    }
    await expect(applyScripts(t, [first, unparsable], { appliedBy: 'test' })).rejects.toThrow(
      new ApplyRefused(
        'sql/V2__bad.sql, line 2: syntax error: syntax error at or near "SELEC". Nothing was run; correct the script first.',
      ),
    )
    const open: Script = { ...unparsable, sql: 'SELECT 1;\nBEGIN;\nUPDATE a SET id = 2;' }
    await expect(applyScripts(t, [first, open], { appliedBy: 'test' })).rejects.toThrow(
      new ApplyRefused(
        'sql/V2__bad.sql, line 2: BEGIN is never followed by COMMIT or ROLLBACK, so the transaction it starts would be rolled back at the end. Nothing was run; correct the script first.',
      ),
    )
    expect((await sql(`SELECT to_regclass('a') AS t`)).rows[0]?.t).toBeNull()
  })

  it('names the line inside a statement where PostgreSQL points, with its detail', async () => {
    const { target: t } = await target()
    const [outcome] = await applyScripts(
      t,
      [
        {
          version: 'V1',
          description: 'x',
          file: 'V1__x.sql',
          sql: 'CREATE TABLE a (id int);\n\nINSERT INTO a (id)\n  SELECT missing\n  FROM a;',
        },
      ],
      { appliedBy: 'test' },
    )
    expect(outcome?.error).toBe('V1__x.sql, line 4: column "missing" does not exist')
    const [step] = await applyScripts(
      t,
      [
        {
          version: 'step-1',
          description: 'y',
          label: 'Fill a',
          sql: 'CREATE TABLE b (id int PRIMARY KEY);\nINSERT INTO b VALUES (1), (1);',
        },
      ],
      { appliedBy: 'test' },
    )
    expect(step?.error).toBe(
      'line 2: duplicate key value violates unique constraint "b_pkey" (Key (id)=(1) already exists.)',
    )
  })

  it('skips a script with its own transactions in a dry run and says why', async () => {
    const { target: t } = await target()
    const [outcome] = await applyScripts(
      t,
      [{ version: 'V1', description: 'own', sql: 'SELECT 1;\nBEGIN;\nSELECT 2;\nCOMMIT;' }],
      { appliedBy: 'test', dryRun: true },
    )
    expect(outcome).toMatchObject({
      status: 'SKIPPED',
      reason: 'it manages its own transactions (BEGIN on line 2), so what it did could not be rolled back afterwards',
    })
  })
})
