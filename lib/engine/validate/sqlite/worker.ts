import { createRequire } from 'node:module'
import { parentPort, workerData } from 'node:worker_threads'
import type BetterSqlite3 from 'better-sqlite3'
import { scan, type ScanJob, type ScanResult } from './scan'

// A validation thread on a SQLite file: runs scans (scan.ts) one at a time and answers with their result.

export type ScanRequest = { id: number; job: ScanJob }
export type ScanReply = { id: number; result: ScanResult } | { id: number; error: string }

const port = parentPort
if (!port) throw new Error('This module runs as a worker thread.')
const { path, requireFrom } = workerData as { path: string; requireFrom: string }
const Database = createRequire(requireFrom)('better-sqlite3') as typeof BetterSqlite3
const db = new Database(path, { readonly: true, fileMustExist: true })
const statements = new Map<string, BetterSqlite3.Statement>()

port.on('message', ({ id, job }: ScanRequest) => {
  try {
    let statement = statements.get(job.sql)
    if (!statement) statements.set(job.sql, (statement = db.prepare(job.sql).raw(true).safeIntegers(true)))
    port.postMessage({ id, result: scan(statement, job) } satisfies ScanReply)
  } catch (error) {
    port.postMessage({ id, error: (error as Error).message } satisfies ScanReply)
  }
})
