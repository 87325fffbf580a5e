import { existsSync, readFileSync, statSync } from 'node:fs'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  build,
  context as esbuildContext,
  version as esbuildVersion,
  type BuildOptions,
  type BuildResult,
  type Plugin,
} from 'esbuild'
import { PROJECT_ROOT, THREAD_NAMES, THREAD_SOURCES, THREADS_DIR, threadScriptPath } from './thread-scripts'

// Builds each worker thread's code (lib/runtime/thread-scripts.ts) into one plain CommonJS script with
// esbuild, ahead of time: `npm run build`, and the launchers that need threads (npm start, the worker, the
// `lockstep` command, the test setup) when the scripts are missing or older than their sources. The running
// web server only ever starts the scripts (lib/runtime/threads.ts).

const MANIFEST = join(THREADS_DIR, 'manifest.json')
const BUILDER = 'lib/runtime/build-threads.ts'

type Manifest = { esbuild: string; threads: Record<string, string>; inputs: Record<string, string> }

const stamp = (path: string) => {
  const stat = statSync(join(PROJECT_ROOT, path))
  return `${stat.size}:${stat.mtimeMs}`
}

/** True when every script exists and was built by this esbuild from the sources as they are now. */
export function areThreadScriptsCurrent(): boolean {
  try {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest
    return (
      manifest.esbuild === esbuildVersion &&
      JSON.stringify(manifest.threads) === JSON.stringify(THREAD_SOURCES) &&
      THREAD_NAMES.every((name) => existsSync(threadScriptPath(name))) &&
      Object.entries(manifest.inputs).every(([path, recorded]) => stamp(path) === recorded)
    )
  } catch {
    return false
  }
}

const OPTIONS = {
  absWorkingDir: PROJECT_ROOT,
  entryPoints: THREAD_NAMES.map((name) => ({ in: THREAD_SOURCES[name], out: name })),
  outdir: THREADS_DIR,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  write: false,
  metafile: true,
  logLevel: 'warning',
} satisfies BuildOptions

/** Builds every thread script; a process starting a thread meanwhile finds the old script or the new one whole. */
export async function buildThreadScripts(): Promise<void> {
  await writeOutputs(await build(OPTIONS))
}

/** `npm run dev`: rebuilds the thread scripts whenever their sources change, until `stop`. */
export async function watchThreadScripts(log: (line: string) => void): Promise<{ stop(): Promise<void> }> {
  const rewrite: Plugin = {
    name: 'write-thread-scripts',
    setup(builder) {
      builder.onEnd(async (result) => {
        if (result.errors.length) log('The worker threads did not build; see the errors above.')
        else await writeOutputs(result)
      })
    },
  }
  const context = await esbuildContext({ ...OPTIONS, plugins: [rewrite] })
  await context.watch()
  return { stop: () => context.dispose() }
}

async function writeOutputs(result: BuildResult<typeof OPTIONS>): Promise<void> {
  await mkdir(THREADS_DIR, { recursive: true })
  for (const file of result.outputFiles) await replaceFile(file.path, file.contents)
  // thread-scripts.ts lists the threads: a thread added there makes the scripts out of date (bin/lockstep.mjs).
  const inputs = [...Object.keys(result.metafile.inputs), BUILDER, 'lib/runtime/thread-scripts.ts'].sort()
  const manifest: Manifest = {
    esbuild: esbuildVersion,
    threads: THREAD_SOURCES,
    inputs: Object.fromEntries(inputs.map((path) => [path, stamp(path)])),
  }
  await replaceFile(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`)
}

async function replaceFile(path: string, contents: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, contents)
  await rename(temporary, path)
}

/** Builds the thread scripts unless they are current; `log` hears when it does. */
export async function ensureThreadScripts(log: (line: string) => void = () => {}): Promise<void> {
  if (areThreadScriptsCurrent()) return
  log('Building the worker threads…')
  await buildThreadScripts()
}
