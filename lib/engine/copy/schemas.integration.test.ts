import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { interruptedAt } from '@/lib/testing/interrupted-source'
import { targetDatabases, type TestDatabase } from '@/lib/testing/target-databases'
import { validateSchemas } from '@/lib/engine/validate/schemas'
import { copyIdOf, runCopy } from './engine'
import { postgresSource } from './postgres-source'
import { copySchemas, type SchemasCopyOptions } from './schemas'

// A PostgreSQL source with tables in several schemas (fixtures/multi-schema.sql) is copied whole: every
// schema into the same-named one on the target, foreign keys between schemas included, in both modes –
// resumed per schema, validated exactly, written to afterwards, and not repeated when copied again. A
// choice of schemas names the others, and a foreign key into a schema left out is reported, not dropped.

const { fresh } = targetDatabases('schemas')
const [DDL = '', DATA = ''] = readFileSync(new URL('./fixtures/multi-schema.sql', import.meta.url), 'utf8').split(
  '\n-- data\n',
)
/** In load order (the schemas others reference first); a validation goes by schema name. */
const ALL_TABLES = ['note', 'crm.customer', 'sales.note', 'sales.orders']
const VALIDATED = ['crm.customer', 'note', 'sales.note', 'sales.orders']

async function source(name: string): Promise<TestDatabase> {
  const db = await fresh(name)
  await db.client.query(DDL)
  await db.client.query(DATA)
  return db
}

const idFor = (prefix: string) => (schema: string, tables: readonly string[] | null) =>
  copyIdOf(prefix, { schema, tables })

function copy(from: TestDatabase, to: TestDatabase, options: Partial<SchemasCopyOptions> = {}) {
  return copySchemas({
    from: from.target,
    session: to.client,
    target: to.target,
    mode: 'create',
    chunkRows: 100,
    jobs: 2,
    copyIdFor: idFor('schemas'),
    onRejects: async () => undefined,
    ...options,
  })
}

function validate(from: TestDatabase, to: TestDatabase, schemas?: string[]) {
  return validateSchemas(from.target, to.target, { schemas })
}

/** Each table's rows as text, hashed and counted. */
async function dump(db: TestDatabase) {
  const result: Record<string, unknown> = {}
  for (const table of ['public.note', 'crm.customer', 'sales.orders', 'sales.note']) {
    result[table] = (
      await db.client.query(
        `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS h, count(*)::int AS n FROM ${table} t`,
      )
    ).rows[0]
  }
  return result
}

const foreignKeys = `SELECT conrelid::regclass::text AS "table", confrelid::regclass::text AS "references", convalidated AS valid
                       FROM pg_constraint WHERE contype = 'f' AND connamespace::regnamespace::text <> 'lockstep' ORDER BY 1, 2`

describe('copying every schema of a PostgreSQL source', () => {
  it('creates each schema with its tables, types and foreign keys, resumes a stopped schema, validates exactly, takes new rows and does nothing the second time', async () => {
    const from = await source('schemas_src')
    const to = await fresh('schemas_create')
    // The sales schema's copy stopped in its third chunk, as a cancelled run leaves it: the copy of all resumes it.
    const controller = new AbortController()
    const stopped = await runCopy({
      copyId: idFor('schemas')('sales', null),
      session: to.client,
      target: to.target,
      source: interruptedAt(
        postgresSource(from.target, { schema: 'sales', deferCrossSchemaKeys: true }),
        3,
        controller,
      ),
      schema: 'sales',
      mode: 'create',
      chunkRows: 100,
      jobs: 1,
      signal: controller.signal,
    })
    expect(stopped.status).toBe('CANCELLED')
    const logs: string[] = []
    const summary = await copy(from, to, { log: (_, message) => logs.push(message) })
    expect(summary.error).toBeUndefined()
    expect(summary.status).toBe('SUCCEEDED')
    expect(summary.tables.map((t) => [t.table, t.written, t.state])).toEqual([
      ['note', 40, 'done'],
      ['crm.customer', 300, 'done'],
      ['sales.note', 250, 'done'],
      ['sales.orders', 700, 'done'],
    ])
    expect(logs.filter((l) => l.startsWith('Schema sales: Resuming the copy'))).toHaveLength(1)
    expect(summary.notCopied).toEqual([])
    expect(summary.warnings.filter((w) => w.startsWith('Not chosen'))).toEqual([])
    expect(summary.warnings).toContain('Schema sales: Types: the enum order_state is recreated.')

    expect(await dump(to)).toEqual(await dump(from))
    expect((await to.client.query(foreignKeys)).rows).toEqual((await from.client.query(foreignKeys)).rows)
    expect(
      (
        await to.client.query(
          `SELECT typnamespace::regnamespace::text AS schema FROM pg_type WHERE typname = 'order_state'`,
        )
      ).rows,
    ).toEqual([{ schema: 'sales' }])
    expect((await to.client.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'orders_customer'`)).rows).toEqual(
      [{ indexdef: 'CREATE INDEX orders_customer ON sales.orders USING btree (customer_id)' }],
    )

    const report = await validate(from, to)
    expect(report.tables.map((t) => [t.table, t.state])).toEqual(VALIDATED.map((t) => [t, 'VALIDATED']))
    expect(report.integrity).toEqual([])
    expect(report.status).toBe('PASSED')

    // New rows take the next keys, defaults use the copied enum, and the key between schemas holds.
    const next = async (sql: string) => (await to.client.query(sql)).rows[0]
    expect(await next(`INSERT INTO sales.orders (customer_id) VALUES (7) RETURNING id, state::text`)).toEqual({
      id: '701',
      state: 'open',
    })
    expect(await next(`INSERT INTO crm.customer (name) VALUES ('new') RETURNING id`)).toEqual({ id: 301 })
    expect(await next(`INSERT INTO sales.note (order_id, body) VALUES (701, 'new') RETURNING id`)).toEqual({ id: 251 })
    await expect(to.client.query(`INSERT INTO sales.orders (customer_id) VALUES (999999)`)).rejects.toThrow(
      /orders_customer_id_fkey/,
    )
    await to.client.query(
      `DELETE FROM sales.note WHERE id = 251; DELETE FROM sales.orders WHERE id = 701; DELETE FROM crm.customer WHERE id = 301`,
    )

    const again = await copy(from, to)
    expect(again.status).toBe('ALREADY_COPIED')
    expect(again.tables.map((t) => [t.table, t.written])).toEqual(summary.tables.map((t) => [t.table, t.written]))
    expect(await dump(to)).toEqual(await dump(from))
  })

  it('copies every schema into the existing tables of the application, parents’ schemas first, and validates exactly', async () => {
    const from = await source('schemas_src_existing')
    const to = await fresh('schemas_existing')
    await to.client.query(DDL)
    const summary = await copy(from, to, { mode: 'existing', copyIdFor: idFor('schemas-existing') })
    expect(summary.error).toBeUndefined()
    expect(summary.status).toBe('SUCCEEDED')
    expect(summary.tables.map((t) => t.table)).toEqual(ALL_TABLES)
    expect(await dump(to)).toEqual(await dump(from))
    expect((await validate(from, to)).status).toBe('PASSED')
    expect(
      await (
        await to.client.query(`INSERT INTO sales.orders (customer_id, state) VALUES (1, 'paid') RETURNING id`)
      ).rows[0],
    ).toEqual({ id: '701' })
    await to.client.query(`DELETE FROM sales.orders WHERE id = 701`)
    expect((await copy(from, to, { mode: 'existing', copyIdFor: idFor('schemas-existing') })).status).toBe(
      'ALREADY_COPIED',
    )
  })

  it('copies only the schemas chosen, names the others, and reports the foreign key into a schema left out', async () => {
    const from = await source('schemas_src_chosen')
    const to = await fresh('schemas_chosen')
    const summary = await copy(from, to, { schemas: ['sales'], copyIdFor: idFor('schemas-chosen') })
    expect(summary.status).toBe('SUCCEEDED')
    expect(summary.tables.map((t) => t.table)).toEqual(['sales.note', 'sales.orders'])
    expect(summary.warnings).toContain(
      "Not chosen, so not copied: the source's tables in the schemas crm (1 table), public (1 table).",
    )
    expect(summary.notCopied).toEqual([
      {
        table: 'sales.orders',
        object: 'foreign key orders_customer_id_fkey',
        reason: expect.stringMatching(
          /^it references crm\.customer, which this copy did not take, and PostgreSQL refused it: .*crm/,
        ),
      },
    ])
    expect(
      (await to.client.query(`SELECT nspname FROM pg_namespace WHERE nspname IN ('crm', 'sales') ORDER BY 1`)).rows,
    ).toEqual([{ nspname: 'sales' }])

    // The chosen schema validates; the whole source does not: the target lacks the schema crm and public's table.
    expect((await validate(from, to, ['sales'])).status).toBe('PASSED')
    const whole = await validate(from, to)
    expect(whole.status).toBe('FAILED')
    expect(whole.tables.filter((t) => t.state === 'ERROR').map((t) => [t.table, t.error])).toEqual([
      ['crm.customer', 'The target has no schema “crm” (where the copy puts this table).'],
      ['note', 'The target has no table “note”.'],
    ])
  })

  it('tells a target role that may not create a schema which GRANT it needs', async () => {
    const from = await source('schemas_src_denied')
    const to = await fresh('schemas_denied')
    const role = `schema_copier_${Date.now().toString(36)}`
    const database = to.target.database
    await to.client.query(
      `CREATE ROLE ${role} LOGIN PASSWORD 'copier-pass'; REVOKE CREATE ON DATABASE "${database}" FROM PUBLIC; GRANT CONNECT ON DATABASE "${database}" TO ${role};
       CREATE SCHEMA lockstep AUTHORIZATION ${role}; GRANT USAGE, CREATE ON SCHEMA public TO ${role}`,
    )
    const url = new URL(to.url)
    url.username = role
    url.password = 'copier-pass'
    const { default: pg } = await import('pg')
    const session = new pg.Client({ connectionString: url.toString() })
    await session.connect()
    try {
      await expect(
        copy(from, to, {
          session,
          target: { ...to.target, user: role, password: 'copier-pass' },
          copyIdFor: idFor('schemas-denied'),
        }),
      ).rejects.toThrow(
        `Schema crm: The target's role “${role}” may not create the schema “crm” for the source's tables of that schema. Run GRANT CREATE ON DATABASE ${database} TO ${role}, or create the schema first and GRANT USAGE, CREATE ON SCHEMA crm TO ${role}.`,
      )
    } finally {
      await session.end()
      await to.client.query(`DROP OWNED BY ${role} CASCADE; DROP ROLE ${role}`).catch(() => undefined)
    }
  })
})
