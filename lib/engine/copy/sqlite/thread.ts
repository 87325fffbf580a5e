import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { buildSync } from 'esbuild'

// Starts a SQLite reader thread (worker.ts). The thread's code is bundled once per process with esbuild
// into one plain script, so a thread needs no TypeScript loader of its own – whatever started the process
// (the worker, the command line, the tests) – and costs little memory and start-up time.

const bundles = new Map<string, string>()

function bundled(entry: string): string {
  let code = bundles.get(entry)
  if (code === undefined) {
    const result = buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent' })
    bundles.set(entry, (code = result.outputFiles[0]?.text ?? ''))
  }
  return code
}

/** A thread running the module at `entry` (an absolute path), its native modules loaded from the project. */
export function startBundledThread(entry: string, data: Record<string, unknown>): Worker {
  // A bounded young generation: fast to collect, and the thread never holds more than a few pieces of rows.
  return new Worker(bundled(entry), { eval: true, workerData: { ...data, requireFrom: import.meta.url }, resourceLimits: { maxYoungGenerationSizeMb: 32 } })
}

/** A reader thread on the SQLite file at `path`. */
export function startReaderThread(path: string): Worker {
  return startBundledThread(createRequire(import.meta.url).resolve('./worker.ts'), { path })
}
