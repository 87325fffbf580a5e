import { createRequire } from 'node:module'
import { parentPort, workerData } from 'node:worker_threads'
import type BetterSqlite3 from 'better-sqlite3'
import { scan, type ScanJob, type ScanResult } from './scan'

// A validation thread: runs scans (scan.ts) of a SQLite file one at a time and answers with their result.
// Threads outlive a validation for a while (their compiled code stays warm); the file is opened by the
// first scan of a validation and closed when the validation releases the thread.

export type ScanRequest = { id: number; path: string; job: ScanJob } | { release: true }
export type ScanReply = { id: number; result: ScanResult } | { id: number; error: string }

const port = parentPort
if (!port) throw new Error('This module runs as a worker thread.')
const { requireFrom } = workerData as { requireFrom: string }
const Database = createRequire(requireFrom)('better-sqlite3') as typeof BetterSqlite3
let db: { path: string; handle: BetterSqlite3.Database; statements: Map<string, BetterSqlite3.Statement> } | null = null

function close() {
  db?.handle.close()
  db = null
}

port.on('message', (message: ScanRequest) => {
  if ('release' in message) return close()
  const { id, path, job } = message
  try {
    if (db?.path !== path) {
      close()
      db = { path, handle: new Database(path, { readonly: true, fileMustExist: true }), statements: new Map() }
    }
    let statement = db.statements.get(job.sql)
    if (!statement) db.statements.set(job.sql, (statement = db.handle.prepare(job.sql).raw(true).safeIntegers(true)))
    port.postMessage({ id, result: scan(statement, job) } satisfies ScanReply)
  } catch (error) {
    port.postMessage({ id, error: (error as Error).message } satisfies ScanReply)
  }
})
