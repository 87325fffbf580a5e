import type { Worker } from 'node:worker_threads'
import { startBuiltThread } from '@/lib/runtime/threads'

// Starts a SQLite reader thread (worker.ts), built ahead of time like every thread of Lockstep's
// (lib/runtime/thread-scripts.ts).

/** A reader thread on the SQLite file at `path`. */
export function startReaderThread(path: string): Worker {
  // A small young generation: a page of rows dies young, and the copy's peak memory stays some 40 MB lower.
  return startBuiltThread('copy-sqlite-reader', { path }, { maxYoungGenerationSizeMb: 16 })
}
