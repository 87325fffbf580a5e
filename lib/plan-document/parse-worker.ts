import { parentPort, workerData } from 'node:worker_threads'
import { parsePlanDocument } from './parse'
import { DocumentError } from './types'

// Runs in a worker thread of its own (lib/plan-document/parse-safely.ts): a hostile document can exhaust
// this thread's time and stack, never the server's.

try {
  parentPort?.postMessage({ ok: true, plan: parsePlanDocument((workerData as { source: string | Uint8Array }).source) })
} catch (error) {
  parentPort?.postMessage({ ok: false, known: error instanceof DocumentError, message: (error as Error).message })
}
