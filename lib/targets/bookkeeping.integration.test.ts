import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureCopyState } from '@/lib/engine/copy/state'
import { ensureHistory } from '@/lib/targets/sql/history'
import { createFreshDatabase } from '@/lib/testing/fresh-database'

// Lockstep's tables on a target live in the schema `lockstep`, not among the user's tables; a target that has
// them in public from an earlier version has them moved there with their rows.

const clients: pg.Client[] = []
const connect = async (url: string) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  clients.push(client)
  return client
}
let url = ''

beforeAll(async () => {
  url = await createFreshDatabase('bookkeeping', { migrate: false })
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end()))
})

const tablesOf = async (client: pg.Client, schema: string) =>
  (
    await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY 1`, [
      schema,
    ])
  ).rows.map((r) => r.name)

describe('Lockstep’s bookkeeping on a target', () => {
  it('is kept in the schema lockstep, and earlier tables in public move there with their rows', async () => {
    const client = await connect(url)
    // As an earlier version left them: in public, with a history row and a copy's progress.
    await client.query(`CREATE TABLE customers (id int PRIMARY KEY);
      CREATE TABLE lockstep_schema_history (version text PRIMARY KEY, description text NOT NULL, checksum text NOT NULL, applied_by text NOT NULL, started_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz, duration_ms integer, statements_applied integer NOT NULL DEFAULT 0, statements_total integer NOT NULL, success boolean NOT NULL DEFAULT false, rolled_back_at timestamptz, error text);
      INSERT INTO lockstep_schema_history (version, description, checksum, applied_by, statements_total, success) VALUES ('V1', 'init', 'abc', 'dba@example.com', 1, true);
      CREATE TABLE lockstep_copy (copy_id text PRIMARY KEY, phase text NOT NULL, mode text NOT NULL, after_load_done integer[] NOT NULL DEFAULT '{}', started_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz);
      CREATE TABLE lockstep_copy_part (copy_id text NOT NULL REFERENCES lockstep_copy ON DELETE CASCADE, table_name text NOT NULL, part integer NOT NULL, lo text, hi text, last_key jsonb, rows_written bigint NOT NULL DEFAULT 0, rows_rejected bigint NOT NULL DEFAULT 0, done boolean NOT NULL DEFAULT false, PRIMARY KEY (copy_id, table_name, part));
      INSERT INTO lockstep_copy VALUES ('c1', 'done', 'create', '{}', now(), now()); INSERT INTO lockstep_copy_part (copy_id, table_name, part, rows_written, done) VALUES ('c1', 'customers', 0, 42, true);`)
    await ensureHistory(client)
    await ensureCopyState(client)
    expect(await tablesOf(client, 'public')).toEqual(['customers'])
    expect(await tablesOf(client, 'lockstep')).toEqual(['copy', 'copy_part', 'schema_history'])
    expect((await client.query('SELECT version, success FROM lockstep.schema_history')).rows).toEqual([
      { version: 'V1', success: true },
    ])
    expect((await client.query('SELECT copy_id, rows_written FROM lockstep.copy_part')).rows).toEqual([
      { copy_id: 'c1', rows_written: '42' },
    ])
    // Twice is the same as once.
    await ensureHistory(client)
    await ensureCopyState(client)
    expect(await tablesOf(client, 'lockstep')).toEqual(['copy', 'copy_part', 'schema_history'])
  })

  it('tells a role that may not create the schema what to grant, and creates nothing', async () => {
    const fresh = await createFreshDatabase('bookkeeping_denied', { migrate: false })
    const owner = await connect(fresh)
    const role = `bookkeeper_${Date.now().toString(36)}`
    const database = new URL(fresh).pathname.slice(1)
    await owner.query(
      `CREATE ROLE ${role} LOGIN PASSWORD 'bookkeeper-pass'; REVOKE CREATE ON DATABASE "${database}" FROM PUBLIC; GRANT CONNECT ON DATABASE "${database}" TO ${role}`,
    )
    const limited = new URL(fresh)
    limited.username = role
    limited.password = 'bookkeeper-pass'
    const client = await connect(limited.toString())
    await expect(ensureHistory(client)).rejects.toThrow(
      `Lockstep keeps its history and copy progress in a schema “lockstep” on the target, and the role “${role}” may not create it. Run GRANT CREATE ON DATABASE “${database}” TO “${role}”`,
    )
    expect((await owner.query(`SELECT to_regnamespace('lockstep') IS NULL AS absent`)).rows).toEqual([{ absent: true }])
  })
})
