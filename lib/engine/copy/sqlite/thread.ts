import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { buildSync } from 'esbuild'

// Starts a SQLite reader thread (worker.ts). The thread's code is bundled once per process with esbuild
// into one plain script, so a thread needs no TypeScript loader of its own – whatever started the process
// (the worker, the command line, the tests) – and costs little memory and start-up time.

let bundle: string | null = null

function workerCode(): string {
  if (bundle === null) {
    const require = createRequire(import.meta.url)
    const entry = require.resolve('./worker.ts')
    const result = buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent' })
    bundle = result.outputFiles[0]?.text ?? ''
  }
  return bundle
}

/** A reader thread on the SQLite file at `path`. */
export function startReaderThread(path: string): Worker {
  // A bounded young generation: fast to collect, and the thread never holds more than a few pieces of rows.
  return new Worker(workerCode(), { eval: true, workerData: { path, requireFrom: import.meta.url }, resourceLimits: { maxYoungGenerationSizeMb: 32 } })
}
