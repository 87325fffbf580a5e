import { setTimeout as delay } from 'node:timers/promises'
import type pg from 'pg'
import { LogicalReplicationService, PgoutputPlugin, type Pgoutput } from 'pg-logical-replication'
import { columnMappingOf, schemaMapping, tableMappingOf } from '@/lib/domain/mapping-lookup'
import type { TCopyMapping } from '@/lib/domain/mapping'
import { keyText } from '@/lib/engine/copy/model'
import { escapeCopyText, NULL_FIELD } from '@/lib/engine/copy/values'
import { settledClientConfig, type PostgresTarget } from '@/lib/targets/postgres'
import { quoteIdent } from '@/lib/targets/quote'
import { openTargetConnection } from '@/lib/targets/sql/session'
import { lsnText, lsnValue, replicationNames } from './pg-replication'
import type { ChangeBatch, ChangeFeed, Lag, TableChanges } from './model'

// A PostgreSQL source's changes, streamed from the sync's replication slot in pgoutput (PostgreSQL's own
// logical replication protocol, decoded by pg-logical-replication) and applied by Lockstep itself rather than
// by a subscription on the target: a subscription writes rows as they are, and a sync must write them through
// the copy's mapping (new names, left-out columns, transforms and filters). Whole transactions are taken in
// commit order; a batch collapses them to each row's last state and ends at a commit, and the slot is told a
// position only once the target committed it – so a restart replays nothing twice and loses nothing.

type Change = Pgoutput.MessageInsert | Pgoutput.MessageUpdate | Pgoutput.MessageDelete
type Row = Record<string, unknown>
/** A key's last state in a batch: its row, or gone. */
type State = { row: Row; deleted: boolean }
type Transaction = { changes: Change[]; endLsn: string; madeAt: number; marker: string | null }

/** pgoutput's values as the text PostgreSQL printed them: the library's type parsers would round instants and numbers. */
class TextPgoutput extends PgoutputPlugin {
  override parse(buffer: Buffer): Pgoutput.Message {
    const message = super.parse(buffer)
    if (message.tag === 'relation') for (const c of message.columns) c.parser = (raw: unknown) => raw
    return message
  }
}

/** Buffered changes past this many wait for the target to catch up (the stream is paused meanwhile). */
const BUFFERED_CHANGES = 50_000
const MARKER_PREFIX = 'lockstep'

type TableMap = {
  changes: Omit<TableChanges, 'upserts' | 'deletes' | 'partial'>
  /** Source column → target column (left-out columns absent). */
  names: Map<string, string>
  sourceKey: string[]
  /** Transforms, a filter or new types: the rows are read through the source (see `throughSource`). */
  evaluated: { columns: { name: string; sql: string }[]; filter: string | null; table: string; schema: string } | null
}

export async function postgresFeed(
  from: PostgresTarget,
  options: { syncId: string; mapping: TCopyMapping; label?: string },
): Promise<ChangeFeed & { markerReached(marker: string): boolean }> {
  const { slot, publication } = replicationNames(options.syncId)
  const config = await settledClientConfig(from, { applicationName: 'lockstep sync (follow)', replication: true })
  const plain = await openTargetConnection(from, 'lockstep sync (source)')
  const service = new LogicalReplicationService(config, {
    acknowledge: { auto: false, timeoutSeconds: 0 },
    flowControl: { enabled: true },
  })
  const plugin = new TextPgoutput({ protoVersion: 1, publicationNames: [publication], messages: true })
  const committed: Transaction[] = []
  let buffered = 0
  let current: Transaction | null = null
  let failure: Error | null = null
  let acked: string | null = null
  let started = false
  const markers = new Set<string>()
  const maps = new Map<number, TableMap>()

  const mapOf = (relation: Pgoutput.MessageRelation): TableMap => {
    const known = maps.get(relation.relationOid)
    if (known) return known
    const mapping = schemaMapping(options.mapping, relation.schema)
    const entry = tableMappingOf(mapping, relation.name)
    const names = new Map<string, string>()
    const evaluatedColumns: { name: string; sql: string }[] = []
    for (const c of relation.columns) {
      const rule = columnMappingOf(mapping, relation.name, c.name)
      if (rule?.omit) continue
      names.set(c.name, rule?.rename ?? c.name)
      evaluatedColumns.push({ name: c.name, sql: rule?.transform ? `(${rule.transform})` : quoteIdent(c.name) })
    }
    const evaluate = !!entry && (!!entry.filter || entry.columns.some((c) => c.transform || c.type))
    const map: TableMap = {
      changes: {
        target: `${quoteIdent(relation.schema)}.${quoteIdent(entry?.rename ?? relation.name)}`,
        label: relation.schema === 'public' ? relation.name : `${relation.schema}.${relation.name}`,
        key: relation.keyColumns.map((k) => names.get(k) ?? k),
        columns: [...names.values()],
      },
      names,
      sourceKey: relation.keyColumns,
      evaluated: evaluate
        ? { columns: evaluatedColumns, filter: entry?.filter ?? null, table: relation.name, schema: relation.schema }
        : null,
    }
    maps.set(relation.relationOid, map)
    return map
  }

  service.on('data', async (_lsn: string, message: Pgoutput.Message) => {
    switch (message.tag) {
      case 'begin':
        current = {
          changes: [],
          endLsn: '',
          madeAt: Number(BigInt(message.commitTime.toString()) / 1000n),
          marker: null,
        }
        break
      case 'insert':
      case 'update':
      case 'delete':
        current?.changes.push(message)
        break
      case 'message':
        if (message.prefix === MARKER_PREFIX && current) current.marker = Buffer.from(message.content).toString()
        break
      case 'commit':
        if (current) {
          current.endLsn = message.commitEndLsn ?? ''
          committed.push(current)
          buffered += current.changes.length
          current = null
        }
        break
      default:
    }
    while (buffered > BUFFERED_CHANGES && started) await delay(20)
  })
  // The server asks for a reply now and then: the position the target has committed, never more.
  service.on('heartbeat', (_lsn: string, _time: number, reply: boolean) => {
    if (reply && acked) void service.acknowledge(acked).catch(() => undefined)
  })
  service.on('error', (error: Error) => (failure ??= error))

  /** A batch's rows for one table: each key's last state in the batch. */
  const collapse = (txns: readonly Transaction[]) => {
    const perTable = new Map<number, { map: TableMap; rows: Map<string, State> }>()
    for (const txn of txns)
      for (const change of txn.changes) {
        const map = mapOf(change.relation)
        const entry = perTable.get(change.relation.relationOid) ?? { map, rows: new Map() }
        perTable.set(change.relation.relationOid, entry)
        const keyOf = (row: Row) => keyText(map.sourceKey.map((k) => row[k]))
        if (change.tag === 'delete') {
          const row = change.key ?? change.old
          if (row) entry.rows.set(keyOf(row), { row, deleted: true })
          continue
        }
        // An update that moved the key: its old key is a delete.
        if (change.tag === 'update' && change.key) entry.rows.set(keyOf(change.key), { row: change.key, deleted: true })
        const row = change.new
        const earlier = entry.rows.get(keyOf(row))
        // Large values the update left unchanged are not sent again; an earlier state of the batch has them.
        const merged = Object.fromEntries(
          Object.entries(row).map(([k, v]) => [k, v === undefined && earlier && !earlier.deleted ? earlier.row[k] : v]),
        )
        entry.rows.set(keyOf(row), { row: merged, deleted: false })
      }
    return [...perTable.values()]
  }

  const field = (v: unknown) => (v === null ? NULL_FIELD : escapeCopyText(String(v)))

  /** Rows of a table with transforms, a filter or new types, read through the source: as a copy reads them. */
  const throughSource = async (map: TableMap, rows: Row[]): Promise<Row[]> => {
    const e = map.evaluated
    if (!e) return rows
    const json = JSON.stringify(
      rows.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined))),
    )
    const table = `${quoteIdent(e.schema)}.${quoteIdent(e.table)}`
    const { rows: out } = await plain.query<Record<string, string | null>>(
      `SELECT ${e.columns.map((c) => `${c.sql}::text AS ${quoteIdent(c.name)}`).join(', ')}
         FROM json_populate_recordset(NULL::${table}, $1::json) AS ${quoteIdent(e.table)}${e.filter ? ` WHERE ${e.filter}` : ''}`,
      [json],
    )
    return out
  }

  const tableChanges = async (map: TableMap, rows: Map<string, State>) => {
    const upserts: string[] = []
    const partial = new Map<string, { columns: string[]; rows: string[] }>()
    const deletes: string[] = []
    const live = [...rows.values()].filter((s) => !s.deleted).map((s) => s.row)
    const kept = await throughSource(map, live)
    const keptKeys = new Set(kept.map((r) => keyText(map.sourceKey.map((k) => r[k]))))
    for (const [key, { row, deleted }] of rows)
      if (deleted || (map.evaluated && !keptKeys.has(key)))
        deletes.push(map.sourceKey.map((k) => field(row[k])).join('\t'))
    for (const row of kept) {
      const present = [...map.names.keys()].filter((c) => row[c] !== undefined)
      const line = present.map((c) => field(row[c])).join('\t')
      if (present.length === map.names.size) upserts.push(line)
      else {
        const columns = present.map((c) => map.names.get(c) ?? c)
        const group = partial.get(columns.join('\u0000')) ?? { columns, rows: [] }
        group.rows.push(line)
        partial.set(columns.join('\u0000'), group)
      }
    }
    return { ...map.changes, upserts, deletes, partial: [...partial.values()] }
  }

  return {
    engine: 'postgres',
    markerReached: (marker) => markers.has(marker),
    async next(position, { max, waitMs, signal }) {
      if (!started) {
        started = true
        acked = position
        service.subscribe(plugin, slot, position).catch((error: Error) => (failure ??= error))
      }
      const until = Date.now() + waitMs
      const after = lsnValue(position)
      for (;;) {
        if (failure) throw failure
        while (committed.length && lsnValue(committed[0]?.endLsn ?? '0/0') <= after) {
          buffered -= committed.shift()?.changes.length ?? 0
        }
        if (committed.length) break
        if (Date.now() >= until || signal?.aborted) return null
        await delay(10)
      }
      const taken: Transaction[] = []
      let changes = 0
      while (committed.length && (taken.length === 0 || changes + (committed[0]?.changes.length ?? 0) <= max)) {
        const txn = committed.shift() as Transaction
        taken.push(txn)
        changes += txn.changes.length
      }
      buffered -= changes
      const tables: TableChanges[] = []
      for (const { map, rows } of collapse(taken)) tables.push(await tableChanges(map, rows))
      const last = taken.at(-1) as Transaction
      for (const txn of taken) if (txn.marker) markers.add(txn.marker)
      return { position: lsnText(last.endLsn), changes, tables, rejects: [], madeAt: last.madeAt } satisfies ChangeBatch
    },
    async applied(position) {
      acked = position
      await service.acknowledge(position)
    },
    async lag(): Promise<Lag> {
      const now = Date.now()
      const perTable = new Map<string, { waiting: number; oldest: number }>()
      for (const txn of committed)
        for (const change of txn.changes) {
          const label = mapOf(change.relation).changes.label
          const t = perTable.get(label) ?? { waiting: 0, oldest: txn.madeAt }
          t.waiting++
          perTable.set(label, t)
        }
      const { rows } = await plain.query<{ bytes: string | null }>(
        `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint::text AS bytes FROM pg_replication_slots WHERE slot_name = $1`,
        [slot],
      )
      const tables = [...perTable].map(([table, t]) => ({
        table,
        waiting: t.waiting,
        seconds: Math.max(0, (now - t.oldest) / 1000),
      }))
      return {
        waiting: buffered,
        seconds: committed.length ? Math.max(0, (now - (committed[0]?.madeAt ?? now)) / 1000) : 0,
        tables,
        bytes: Number(rows[0]?.bytes ?? 0),
      }
    },
    async close() {
      await service.destroy().catch(() => undefined)
      await plain.end().catch(() => undefined)
    },
  }
}

/** Writes a marker into the source's change stream; the feed says when a batch passed it (a cutover's drain). */
export async function emitMarker(client: pg.Client, marker: string): Promise<string> {
  const { rows } = await client.query<{ lsn: string }>(`SELECT pg_logical_emit_message(true, $1, $2)::text AS lsn`, [
    MARKER_PREFIX,
    marker,
  ])
  return rows[0]?.lsn ?? '0/0'
}
