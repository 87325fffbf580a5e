import { createHash } from 'node:crypto'
import type pg from 'pg'
import { quoteIdent } from '@/lib/targets/quote'
import { SyncRefused } from './model'

// What a PostgreSQL source needs for a sync, checked before anything is made (each failure names the exact
// setting or grant), and the publication and replication slot a sync owns there – named after the sync, so a
// resumed or ended sync finds them again, and dropped when it ends.

export type SourceTable = { schema: string; name: string }

/** The slot's and the publication's name (lower case letters, digits and underscores, as slots require). */
export function replicationNames(syncId: string) {
  const name = `lockstep_sync_${createHash('sha256').update(syncId).digest('hex').slice(0, 16)}`
  return { slot: name, publication: name }
}

export const qualifiedTable = (t: SourceTable) => `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`

type Settings = {
  wal_level: string
  max_slots: number
  used_slots: number
  max_senders: number
  used_senders: number
  can_replicate: boolean
  superuser: boolean
  can_publish: boolean
  role: string
  db: string
  slot_exists: boolean
}

/** Every reason the source cannot be followed now; empty when it can. `slot`: this sync's own, which may exist already. */
export async function syncProblems(client: pg.Client, tables: readonly SourceTable[], slot: string): Promise<string[]> {
  const { rows } = await client.query<Settings>(
    `SELECT current_setting('wal_level') AS wal_level,
            current_setting('max_replication_slots')::int AS max_slots,
            (SELECT count(*)::int FROM pg_replication_slots) AS used_slots,
            current_setting('max_wal_senders')::int AS max_senders,
            (SELECT count(*)::int FROM pg_stat_replication) AS used_senders,
            r.rolreplication OR r.rolsuper AS can_replicate, r.rolsuper AS superuser,
            has_database_privilege(current_database(), 'CREATE') AS can_publish,
            current_user AS role, current_database() AS db,
            EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1) AS slot_exists
       FROM pg_roles r WHERE r.rolname = current_user`,
    [slot],
  )
  const s = rows[0]
  if (!s) return ['The source did not say what its role may do.']
  const problems: string[] = []
  if (s.wal_level !== 'logical')
    problems.push(
      `The source's wal_level is ${s.wal_level}; a sync follows PostgreSQL's logical replication, which needs wal_level = logical. Run ALTER SYSTEM SET wal_level = logical on the source and restart it.`,
    )
  if (!s.slot_exists && s.used_slots >= s.max_slots)
    problems.push(
      `All ${s.max_slots} replication slots of the source are in use (max_replication_slots = ${s.max_slots}); a sync needs one. Raise max_replication_slots and restart the source, or drop a slot nobody uses (SELECT pg_drop_replication_slot('name')).`,
    )
  if (s.used_senders >= s.max_senders)
    problems.push(
      `All ${s.max_senders} WAL senders of the source are busy (max_wal_senders = ${s.max_senders}); a sync needs one. Raise max_wal_senders and restart the source.`,
    )
  if (!s.can_replicate)
    problems.push(
      `The role “${s.role}” may not read the source's changes: run ALTER ROLE ${quoteIdent(s.role)} REPLICATION on the source (or connect with a role that has it).`,
    )
  if (!s.can_publish && !s.superuser)
    problems.push(
      `The role “${s.role}” may not create the publication a sync reads: run GRANT CREATE ON DATABASE ${quoteIdent(s.db)} TO ${quoteIdent(s.role)} on the source.`,
    )
  if (!tables.length) return problems
  const { rows: shapes } = await client.query<{ name: string; owned: boolean; keyed: boolean }>(
    `SELECT t.name, pg_has_role(c.relowner, 'USAGE') AS owned,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS keyed
       FROM unnest($1::text[]) AS t(name) JOIN pg_class c ON c.oid = t.name::regclass`,
    [tables.map(qualifiedTable)],
  )
  const unowned = shapes.filter((t) => !t.owned).map((t) => t.name)
  if (unowned.length && !s.superuser)
    problems.push(
      `The role “${s.role}” does not own ${unowned.join(', ')}: only a table's owner (or a superuser) may publish its changes. Connect the source with the tables' owner.`,
    )
  const keyless = shapes.filter((t) => !t.keyed).map((t) => t.name)
  if (keyless.length)
    problems.push(
      `${keyless.join(', ')} ${keyless.length === 1 ? 'has' : 'have'} no primary key: a change to one of ${keyless.length === 1 ? 'its' : 'their'} rows cannot be found again on the target, so ${keyless.length === 1 ? 'it' : 'they'} cannot be kept in sync. Add a primary key, or leave ${keyless.length === 1 ? 'it' : 'them'} out of the sync.`,
    )
  return problems
}

export async function refuseUnsyncable(client: pg.Client, tables: readonly SourceTable[], slot: string) {
  const problems = await syncProblems(client, tables, slot)
  if (problems.length)
    throw new SyncRefused(`The source cannot be kept in sync; nothing was changed. ${problems.join(' ')}`)
}

/** The tables (not partitions: their changes come as their root's) of `schemas`, or those named. */
export async function sourceTables(
  client: pg.Client,
  picked: readonly { schema: string; tables: readonly string[] | null }[],
): Promise<SourceTable[]> {
  const found: SourceTable[] = []
  for (const p of picked) {
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c
        WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND ($2::text[] IS NULL OR c.relname = ANY ($2)) ORDER BY 1`,
      [quoteIdent(p.schema), p.tables ? [...p.tables] : null],
    )
    found.push(...rows.map((r) => ({ schema: p.schema, name: r.name })))
  }
  return found
}

/** Drops this sync's slot (ending the session that holds it, which can only be an earlier follower of it) and publication. */
export async function dropReplication(client: pg.Client, syncId: string) {
  const { slot, publication } = replicationNames(syncId)
  await client.query(
    `SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active_pid IS NOT NULL`,
    [slot],
  )
  for (let attempt = 0; ; attempt++) {
    try {
      await client.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1`, [
        slot,
      ])
      break
    } catch (error) {
      // The terminated session lets go of the slot a moment later.
      if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  await client.query(`DROP PUBLICATION IF EXISTS ${quoteIdent(publication)}`)
}

/** The publication of `tables` (made again: its table list is the sync's). */
export async function createPublication(client: pg.Client, syncId: string, tables: readonly SourceTable[]) {
  const { publication } = replicationNames(syncId)
  await client.query(`DROP PUBLICATION IF EXISTS ${quoteIdent(publication)}`)
  await client.query(
    `CREATE PUBLICATION ${quoteIdent(publication)} FOR TABLE ${tables.map(qualifiedTable).join(', ')} WITH (publish_via_partition_root = true)`,
  )
}

/** LSNs compared as numbers ('16/B374D848'). */
export function lsnValue(lsn: string): bigint {
  const [hi, lo] = lsn.split('/')
  return (BigInt(`0x${hi ?? '0'}`) << 32n) + BigInt(`0x${lo ?? '0'}`)
}

/** An LSN as PostgreSQL prints it ('16/B374D848'), whatever padding it came with. */
export function lsnText(lsn: string): string {
  const value = lsnValue(lsn)
  return `${(value >> 32n).toString(16).toUpperCase()}/${(value & 0xffffffffn).toString(16).toUpperCase()}`
}
