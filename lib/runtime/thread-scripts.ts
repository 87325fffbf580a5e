import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

// Lockstep's worker threads: each one's source module, and where `npm run build` writes it as one plain
// script (lib/runtime/build-threads.ts). The scripts are found from this module's own location, never from
// the working directory. That location is the source file's under tsx and Vitest, and in the Next.js server
// too: Turbopack gives a server module's import.meta.url as its source path under the project root, the root
// being worked out at run time from where .next is.

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const THREADS_DIR = join(PROJECT_ROOT, 'dist', 'threads')
export const BUILD_THREADS_COMMAND = 'npm run build:threads'

/** Each thread's entry module, relative to the project root. */
export const THREAD_SOURCES = {
  'copy-sqlite-reader': 'lib/engine/copy/sqlite/worker.ts',
  'validate-sqlite-scan': 'lib/engine/validate/sqlite/worker.ts',
  'plan-document-parser': 'lib/plan-document/parse-worker.ts',
} as const

export type ThreadName = keyof typeof THREAD_SOURCES

export const THREAD_NAMES = Object.keys(THREAD_SOURCES) as ThreadName[]

export function threadScriptPath(name: ThreadName): string {
  return join(THREADS_DIR, `${name}.cjs`)
}

/** The script's path as a person finds it from the project root. */
export function displayPath(path: string): string {
  return relative(PROJECT_ROOT, path)
}
