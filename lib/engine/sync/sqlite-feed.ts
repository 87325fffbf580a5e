import { setTimeout as delay } from 'node:timers/promises'
import type Database from 'better-sqlite3'
import type { TCopyMapping } from '@/lib/domain/mapping'
import { keyText, type RejectedRow } from '@/lib/engine/copy/model'
import { readMappedSqliteSchema } from '@/lib/engine/copy/sqlite-mapping'
import { columnDateEncoding, DATE_KINDS } from '@/lib/engine/copy/sqlite-source'
import type { SqliteTable } from '@/lib/engine/copy/sqlite-schema'
import { encoderFor, isRejected, type Encoder } from '@/lib/engine/copy/values'
import { quoteIdent } from '@/lib/targets/quote'
import { CHANGE_TABLE, openForCapture } from './sqlite-capture'
import { SyncRefused, type ChangeBatch, type ChangeFeed, type Lag, type TableChanges } from './model'

// The changes captured in a SQLite file (sqlite-capture.ts), as batches for the target. A batch covers the
// changes recorded after a position, up to one moment: in one read transaction, it takes the keys they name
// and reads those rows as they are now – through the copy's mapping (renames, types, transforms, filters)
// and its value checks. A key whose row is gone, or no longer kept by the filter, becomes a delete. Each
// batch so brings every row it touches to the source's state at that moment, which applies the changes in
// their order without replaying each one, and gives the same result however often a batch is read again.

type FeedTable = {
  source: SqliteTable
  changes: TableChanges
  readRows: Database.Statement
  readKeys: Database.Statement
  targetKey: Database.Statement
  encoders: Encoder[]
  keyEncoders: Encoder[]
  keyWidth: number
}

const POLL_MS = 50
const visible = (text: string) => text.replace(/\0/g, '\\0')

export function sqliteFeed(
  path: string,
  options: { tables: readonly string[]; mapping: TCopyMapping; schema?: string },
): ChangeFeed {
  const db = openForCapture(path)
  const schema = quoteIdent(options.schema ?? 'public')
  const tables = new Map<string, FeedTable>()
  for (const t of readMappedSqliteSchema(db, options.tables.length ? options.tables : undefined, options.mapping)) {
    if (!t.primaryKey.length) continue
    const keyColumns = t.primaryKey.map((_, i) => `k${i + 1}`)
    const keyList = t.primaryKey.map(quoteIdent).join(', ')
    const inRange = `tbl = ? AND seq > ? AND seq <= ?`
    const read = t.columns.map((c) => (c.transform ? `(${c.transform})` : quoteIdent(c.name)))
    const keyColumnsOf = t.primaryKey.map((k) => {
      const column = t.columns.find((c) => c.name === k)
      if (!column) throw new SyncRefused(`${t.name}.${k}, part of the primary key, is left out by the mapping.`)
      return column
    })
    let targetKey: Database.Statement
    try {
      // The key a deleted row had on the target: its transform (if any) run on the key alone.
      targetKey = db
        .prepare(
          `SELECT ${keyColumnsOf.map((c) => (c.transform ? `(${c.transform})` : quoteIdent(c.name))).join(', ')} FROM (SELECT ${t.primaryKey.map((k) => `? AS ${quoteIdent(k)}`).join(', ')})`,
        )
        .raw(true)
        .safeIntegers(true)
    } catch (error) {
      throw new SyncRefused(
        `The mapping transforms ${t.name}'s primary key with an expression that reads other columns (${(error as Error).message}); a deleted row's key on the target could not be known. Transform the key from itself alone, or leave the transform out of the sync.`,
      )
    }
    const encode = (c: SqliteTable['columns'][number]) =>
      encoderFor(c.type, {
        dates: DATE_KINDS.has(c.type.kind)
          ? columnDateEncoding(db, t.name, c.name, { transform: c.transform, filter: t.filter })
          : undefined,
        notNull: t.primaryKey.includes(c.name) ? `NULL in the primary key column ${c.name}` : undefined,
      })
    const encoders = t.columns.map(encode)
    tables.set(t.name, {
      source: t,
      changes: {
        target: `${schema}.${quoteIdent(t.pgName)}`,
        label: t.name,
        key: keyColumnsOf.map((c) => c.pgName),
        columns: t.columns.map((c) => c.pgName),
        upserts: [],
        deletes: [],
      },
      readRows: db
        .prepare(
          `SELECT ${keyList}, ${read.join(', ')} FROM ${quoteIdent(t.name)} WHERE (${keyList}) IN (SELECT ${keyColumns.join(', ')} FROM ${CHANGE_TABLE} WHERE ${inRange})${t.filter ? ` AND (${t.filter})` : ''}`,
        )
        .raw(true)
        .safeIntegers(true),
      readKeys: db
        .prepare(`SELECT DISTINCT ${keyColumns.join(', ')} FROM ${CHANGE_TABLE} WHERE ${inRange}`)
        .raw(true)
        .safeIntegers(true),
      targetKey,
      encoders,
      keyEncoders: keyColumnsOf.map((c) => encoders[t.columns.indexOf(c)] as Encoder),
      keyWidth: t.primaryKey.length,
    })
  }
  // Sequence numbers as BigInt: exact whatever they grow to.
  const newest = db.prepare(`SELECT max(seq) FROM ${CHANGE_TABLE}`).pluck().safeIntegers(true)
  const upperOf = db
    .prepare(`SELECT seq FROM ${CHANGE_TABLE} WHERE seq > ? ORDER BY seq LIMIT 1 OFFSET ?`)
    .pluck()
    .safeIntegers(true)
  const inBatch = db.prepare(
    `SELECT tbl, count(*) AS n FROM ${CHANGE_TABLE} WHERE seq > ? AND seq <= ? GROUP BY tbl ORDER BY tbl`,
  )
  const madeAtOf = db.prepare(`SELECT at FROM ${CHANGE_TABLE} WHERE seq = ?`).pluck()
  const prune = db.prepare(
    `DELETE FROM ${CHANGE_TABLE} WHERE seq <= ? AND seq < (SELECT max(seq) FROM ${CHANGE_TABLE})`,
  )
  const waiting = db.prepare(
    `SELECT tbl, count(*) AS n, min(at) AS at FROM ${CHANGE_TABLE} WHERE seq > ? GROUP BY tbl ORDER BY tbl`,
  )

  /** One table's rows for the target, read with the rest of the batch. */
  function tableChanges(t: FeedTable, from: bigint, to: bigint, rejects: RejectedRow[]): TableChanges {
    const found = new Set<string>()
    const upserts: string[] = []
    for (const row of t.readRows.iterate(t.source.name, from, to) as Iterable<unknown[]>) {
      const key = row.slice(0, t.keyWidth)
      found.add(keyText(key))
      let line = ''
      let bad = false
      for (let i = 0; i < t.encoders.length; i++) {
        const value = row[t.keyWidth + i]
        const field = (t.encoders[i] as Encoder)(value)
        if (isRejected(field)) {
          bad = true
          rejects.push({
            // Named as the copy names a table's rejected rows: by its name on the target.
            table: t.source.pgName,
            key: visible(keyText(key)),
            column: t.source.columns[i]?.name ?? '',
            reason: field.reject,
            value: value === null || value === undefined ? null : visible(String(value).slice(0, 200)),
          })
        } else line += i === 0 ? field : `\t${field}`
      }
      // A row that no longer fits the target leaves it, as a copy would have left it out.
      if (bad) found.delete(keyText(key))
      else upserts.push(line)
    }
    const deletes: string[] = []
    for (const key of t.readKeys.iterate(t.source.name, from, to) as Iterable<unknown[]>) {
      const values = key.slice(0, t.keyWidth)
      if (found.has(keyText(values))) continue
      const mapped = t.targetKey.get(...values) as unknown[]
      const fields = mapped.map((v, i) => (t.keyEncoders[i] as Encoder)(v))
      if (fields.some(isRejected)) continue // such a key never reached the target
      deletes.push((fields as string[]).join('\t'))
    }
    return { ...t.changes, upserts, deletes }
  }

  return {
    engine: 'sqlite',
    async next(position, { max, waitMs, signal }) {
      const from = BigInt(position)
      const until = Date.now() + waitMs
      while (((newest.get() as bigint | null) ?? 0n) <= from) {
        if (Date.now() >= until || signal?.aborted) return null
        await delay(Math.min(POLL_MS, Math.max(1, until - Date.now())))
      }
      // One read transaction: the keys and the rows they name are seen at one moment.
      db.exec('BEGIN')
      try {
        const to = ((upperOf.get(from, Math.max(0, max - 1)) as bigint | undefined) ??
          (newest.get() as bigint)) as bigint
        const rejects: RejectedRow[] = []
        let changes = 0
        const batchTables: TableChanges[] = []
        for (const { tbl, n } of inBatch.all(from, to) as { tbl: string; n: number }[]) {
          changes += Number(n)
          const t = tables.get(tbl)
          if (t) batchTables.push(tableChanges(t, from, to, rejects))
        }
        const madeAt = madeAtOf.get(to) as number | null
        return {
          position: to.toString(),
          changes,
          tables: batchTables,
          rejects,
          madeAt: madeAt === null ? null : Math.round(Number(madeAt) * 1000),
        } satisfies ChangeBatch
      } finally {
        db.exec('COMMIT')
      }
    },
    async applied(position) {
      prune.run(BigInt(position))
    },
    async lag(position): Promise<Lag> {
      const now = Date.now() / 1000
      const rows = waiting.all(BigInt(position)) as { tbl: string; n: number; at: number }[]
      const perTable = rows.map((r) => ({
        table: r.tbl,
        waiting: Number(r.n),
        seconds: Math.max(0, now - Number(r.at)),
      }))
      return {
        waiting: perTable.reduce((n, t) => n + t.waiting, 0),
        seconds: perTable.reduce((s, t) => Math.max(s, t.seconds), 0),
        tables: perTable,
      }
    },
    async close() {
      db.close()
    },
  }
}
