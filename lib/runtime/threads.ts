import { Worker, type ResourceLimits } from 'node:worker_threads'
import { buildSync } from 'esbuild'

// Worker threads whose code is bundled once per process with esbuild into one plain script, so a thread
// needs no TypeScript loader of its own – whatever started the process (the web server, the worker, the
// command line, the tests) – and costs little memory and start-up time.

const bundles = new Map<string, string>()

function bundled(entry: string): string {
  let code = bundles.get(entry)
  if (code === undefined) {
    const result = buildSync({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    })
    bundles.set(entry, (code = result.outputFiles[0]?.text ?? ''))
  }
  return code
}

/**
 * A thread running the module at `entry` (an absolute path) with `data` as its workerData; `requireFrom`
 * lets it load native modules from the project. A bounded young generation by default: fast to collect.
 */
export function startBundledThread(
  entry: string,
  data: Record<string, unknown>,
  resourceLimits: ResourceLimits = { maxYoungGenerationSizeMb: 32 },
): Worker {
  return new Worker(bundled(entry), {
    eval: true,
    workerData: { ...data, requireFrom: import.meta.url },
    resourceLimits,
  })
}
