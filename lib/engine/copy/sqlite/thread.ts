import { createRequire } from 'node:module'
import type { Worker } from 'node:worker_threads'
import { startBundledThread } from '@/lib/runtime/threads'

// Starts a SQLite reader thread (worker.ts), bundled like every thread of Lockstep's (lib/runtime/threads.ts).

/** A reader thread on the SQLite file at `path`. */
export function startReaderThread(path: string): Worker {
  return startBundledThread(createRequire(import.meta.url).resolve('./worker.ts'), { path })
}
