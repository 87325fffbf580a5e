import { setTimeout as delay } from 'node:timers/promises'
import Database from 'better-sqlite3'
import pg from 'pg'
import { quoteIdent } from '@/lib/targets/quote'

// An application that keeps writing while a sync runs: inserts (a copy of a random row under a new key),
// updates (a new text in one column) and deletes of random rows, each its own transaction, at a steady rate.
// The demo runs it on its SQLite file so a newcomer watches the lag; the tests and the benchmark run it as a
// process of its own on SQLite and PostgreSQL sources.

export type WriterOptions = {
  /** A SQLite file, or a PostgreSQL URL. */
  sqlite?: string
  postgres?: string
  /** The table written (its name, qualified for PostgreSQL if outside public), its integer key and a text column. */
  table: string
  key: string
  column: string
  /** Changes per second (inserts, updates and deletes together). */
  rate: number
  /** PostgreSQL: commits that do not wait for the disk (synchronous_commit = off), as a throughput-tuned application's. */
  asyncCommit?: boolean
  /** Share of inserts and deletes (the rest are updates). */
  inserts?: number
  deletes?: number
  signal?: AbortSignal
}

export type WriterCounts = { inserts: number; updates: number; deletes: number; skipped: number }

type Store = {
  keys(): Promise<number[]>
  insert(from: number, key: number): Promise<boolean>
  update(key: number, text: string): Promise<boolean>
  remove(key: number): Promise<boolean>
  close(): Promise<void>
}

function sqliteStore(path: string, o: WriterOptions): Store {
  const db = new Database(path, { timeout: 5_000 })
  db.pragma('journal_mode = WAL')
  const t = quoteIdent(o.table)
  const k = quoteIdent(o.key)
  const columns = (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(o.table) as string[]).filter(
    (c) => c !== o.key,
  )
  const list = columns.map(quoteIdent).join(', ')
  const insert = db.prepare(`INSERT INTO ${t} (${k}, ${list}) SELECT ?, ${list} FROM ${t} WHERE ${k} = ?`)
  const update = db.prepare(`UPDATE ${t} SET ${quoteIdent(o.column)} = ? WHERE ${k} = ?`)
  const remove = db.prepare(`DELETE FROM ${t} WHERE ${k} = ?`)
  const tolerate = (run: () => Database.RunResult) => {
    try {
      return run().changes > 0
    } catch (error) {
      if (/constraint/i.test(String((error as Error).message))) return false
      throw error
    }
  }
  return {
    keys: async () => db.prepare(`SELECT ${k} FROM ${t}`).pluck().all() as number[],
    insert: async (from, key) => tolerate(() => insert.run(key, from)),
    update: async (key, text) => tolerate(() => update.run(text, key)),
    remove: async (key) => tolerate(() => remove.run(key)),
    close: async () => void db.close(),
  }
}

async function postgresStore(url: string, o: WriterOptions): Promise<Store> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  if (o.asyncCommit) await client.query('SET synchronous_commit = off')
  const t = o.table.includes('.') ? o.table.split('.').map(quoteIdent).join('.') : quoteIdent(o.table)
  const k = quoteIdent(o.key)
  const { rows } = await client.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
    [t],
  )
  const list = rows
    .map((r) => r.name)
    .filter((c) => c !== o.key)
    .map(quoteIdent)
    .join(', ')
  const tolerate = async (sql: string, values: unknown[]) => {
    try {
      return ((await client.query(sql, values)).rowCount ?? 0) > 0
    } catch (error) {
      if (/^23/.test(String((error as { code?: string }).code))) return false
      throw error
    }
  }
  return {
    keys: async () =>
      (await client.query<{ k: string }>(`SELECT ${k}::text AS k FROM ${t}`)).rows.map((r) => Number(r.k)),
    insert: (from, key) =>
      tolerate(
        `INSERT INTO ${t} (${k}, ${list}) OVERRIDING SYSTEM VALUE SELECT $1, ${list} FROM ${t} WHERE ${k} = $2`,
        [key, from],
      ),
    update: (key, text) => tolerate(`UPDATE ${t} SET ${quoteIdent(o.column)} = $1 WHERE ${k} = $2`, [text, key]),
    remove: (key) => tolerate(`DELETE FROM ${t} WHERE ${k} = $1`, [key]),
    close: () => client.end(),
  }
}

/** Writes until `signal` aborts; the counts of what it changed. */
export async function runWriter(o: WriterOptions): Promise<WriterCounts> {
  const store = o.sqlite ? sqliteStore(o.sqlite, o) : o.postgres ? await postgresStore(o.postgres, o) : null
  if (!store) throw new Error('The writer needs a SQLite file or a PostgreSQL URL.')
  const counts: WriterCounts = { inserts: 0, updates: 0, deletes: 0, skipped: 0 }
  try {
    const keys = await store.keys()
    if (!keys.length) throw new Error(`The table ${o.table} has no rows to start from.`)
    // Not Math.max(...keys): spread as arguments, a table of a few hundred thousand keys overflows the stack.
    let next = keys.reduce((max, k) => (k > max ? k : max), 0) + 1
    const pick = () => keys[Math.floor(Math.random() * keys.length)] as number
    const inserts = o.inserts ?? 0.4
    const deletes = o.deletes ?? 0.2
    const began = performance.now()
    let done = 0
    while (!o.signal?.aborted) {
      // Paced against the clock: a slow moment is caught up, the rate holds over any second.
      const due = Math.floor(((performance.now() - began) / 1000) * o.rate)
      if (done >= due) {
        await delay(Math.max(1, Math.min(20, 1000 / o.rate)))
        continue
      }
      done++
      const roll = Math.random()
      if (roll < inserts || keys.length < 10) {
        const key = next++
        if (await store.insert(pick(), key)) {
          keys.push(key)
          counts.inserts++
        } else counts.skipped++
      } else if (roll < inserts + deletes) {
        const at = Math.floor(Math.random() * keys.length)
        const key = keys[at] as number
        if (await store.remove(key)) {
          keys.splice(at, 1)
          counts.deletes++
        } else counts.skipped++
      } else if (await store.update(pick(), `changed ${done} at ${new Date().toISOString()}`)) counts.updates++
      else counts.skipped++
    }
    return counts
  } finally {
    await store.close()
  }
}
