import { existsSync } from 'node:fs'
import { Worker, type ResourceLimits } from 'node:worker_threads'
import { StartupError } from './errors'
import { BUILD_THREADS_COMMAND, displayPath, threadScriptPath, type ThreadName } from './thread-scripts'

// Worker threads run scripts built ahead of time with the app (lib/runtime/build-threads.ts): one plain
// script per thread, so a thread needs no TypeScript loader of its own – whatever started the process (the
// web server, the worker, the command line, the tests) – and costs little memory and start-up time.

/** Refuses to go on without the built thread scripts, naming the command that builds them. */
export function assertThreadScriptBuilt(name: ThreadName): string {
  const script = threadScriptPath(name)
  if (!existsSync(script))
    throw new StartupError(
      `The worker thread script ${displayPath(script)} has not been built.`,
      `Build it with npm run build (or only the threads: ${BUILD_THREADS_COMMAND}).`,
    )
  return script
}

/**
 * A thread running the built script of `name` with `data` as its workerData; `requireFrom` lets it load
 * native modules from the project. A bounded young generation by default: fast to collect.
 */
export function startBuiltThread(
  name: ThreadName,
  data: Record<string, unknown>,
  resourceLimits: ResourceLimits = { maxYoungGenerationSizeMb: 32 },
): Worker {
  return new Worker(assertThreadScriptBuilt(name), {
    workerData: { ...data, requireFrom: import.meta.url },
    resourceLimits,
  })
}
