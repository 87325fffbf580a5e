import { createRequire } from 'node:module'
import { parentPort, workerData } from 'node:worker_threads'
import type BetterSqlite3 from 'better-sqlite3'
import type { ChunkResult } from '../model'
import { encodeChunk, type ChunkJob, type Piece } from './encode-chunk'

// A copy job's SQLite reader, in a thread of its own so that reading and encoding run on another core
// than the main thread's network writes (and than the other jobs). Pieces go to the main thread as
// strings; at most CREDITS of them are unacknowledged, so memory stays bounded.

export type ToWorker = { type: 'chunk'; id: number; job: ChunkJob } | { type: 'ack' }
export type FromWorker =
  | { type: 'data'; id: number; piece: string | ArrayBuffer; length: number }
  | { type: 'done'; id: number; outcome: ChunkResult }
  | { type: 'error'; id: number; message: string; code?: string }

export const CREDITS = 8

const port = parentPort
if (!port) throw new Error('This module runs as a worker thread.')
const { path, requireFrom } = workerData as { path: string; requireFrom: string }
// The thread runs as one bundled script (thread.ts); the native driver is loaded from the project.
const Database = createRequire(requireFrom)('better-sqlite3') as typeof BetterSqlite3
const db = new Database(path, { readonly: true, fileMustExist: true })
const statements = new Map<string, BetterSqlite3.Statement>()
const statement = (sql: string) => {
  let s = statements.get(sql)
  if (!s) statements.set(sql, (s = db.prepare(sql).raw(true).safeIntegers(true)))
  return s
}

let credits = CREDITS
let wake: (() => void) | null = null

port.on('message', (message: ToWorker) => {
  if (message.type === 'ack') {
    credits++
    wake?.()
    return
  }
  const { id, job } = message
  encodeChunk(statement, job, async (piece: Piece) => {
    while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve))
    credits--
    // Text as a string: copied into the main thread's young generation, where it is collected within moments.
    // Binary pieces own their memory (binary-values.ts): moved to the main thread without a copy.
    if (typeof piece === 'string')
      port.postMessage({ type: 'data', id, piece, length: piece.length } satisfies FromWorker)
    else {
      const bytes = piece.buffer as ArrayBuffer
      port.postMessage({ type: 'data', id, piece: bytes, length: piece.byteLength } satisfies FromWorker, [bytes])
    }
  }).then(
    (outcome) => port.postMessage({ type: 'done', id, outcome } satisfies FromWorker),
    (error: Error & { code?: string }) =>
      port.postMessage({ type: 'error', id, message: error.message, code: error.code } satisfies FromWorker),
  )
})
