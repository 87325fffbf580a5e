import { readFileSync, statSync } from 'node:fs'
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { build, version as esbuildVersion, type BuildOptions } from 'esbuild'
import { PROJECT_ROOT } from './thread-scripts'

// The `lockstep` command's lean entry points (copy, validate, sync) as ES module bundles of Lockstep's own code,
// packages left to node_modules: `bin/lockstep.mjs` runs a current bundle directly, without compiling
// TypeScript at every start (which took longer than a small copy). dist/commands sits as deep as lib/runtime,
// so modules that find the project root from their own location find it from the bundle too.

export const COMMANDS_DIR = join(PROJECT_ROOT, 'dist', 'commands')
const MANIFEST = join(COMMANDS_DIR, 'manifest.json')
const BUILDER = 'lib/runtime/build-commands.ts'

/** Each bundled command's entry module, relative to the project root (bin/lockstep.mjs names them too). */
export const COMMAND_SOURCES = {
  'lockstep-copy': 'scripts/lockstep-copy.ts',
  'lockstep-validate': 'scripts/lockstep-validate.ts',
  'lockstep-sync': 'scripts/lockstep-sync.ts',
} as const

const OPTIONS = {
  absWorkingDir: PROJECT_ROOT,
  entryPoints: Object.entries(COMMAND_SOURCES).map(([out, source]) => ({ in: source, out })),
  outdir: COMMANDS_DIR,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true, // what a command loads only when needed (its error formatter…) stays a chunk of its own
  packages: 'external',
  // The guard that keeps server modules out of the browser is an empty module on the server: none is imported, so
  // a bundle needs no module hook at start (lib/runtime/server-only.mjs).
  alias: { 'server-only': './lib/runtime/server-only-empty.mjs' },
  platform: 'node',
  format: 'esm',
  target: 'node20',
  write: false,
  metafile: true,
  logLevel: 'warning',
} satisfies BuildOptions

const stamp = (path: string) => {
  const stat = statSync(join(PROJECT_ROOT, path))
  return `${stat.size}:${stat.mtimeMs}`
}

/**
 * Builds every command bundle. Each file is replaced whole and the manifest last, so a command starting meanwhile
 * runs the old build or the new one; chunks are named by their content, so no file of a running build changes.
 */
export async function buildCommandBundles(): Promise<void> {
  const result = await build(OPTIONS)
  await mkdir(COMMANDS_DIR, { recursive: true })
  const previous = previousOutputs()
  for (const file of result.outputFiles) await replaceFile(file.path, file.contents)
  const inputs = [...Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('node_modules/')), BUILDER].sort()
  const outputs = result.outputFiles.map((f) => basename(f.path))
  const manifest = {
    esbuild: esbuildVersion,
    commands: Object.keys(COMMAND_SOURCES),
    outputs,
    inputs: Object.fromEntries(inputs.map((path) => [path, stamp(path)])),
  }
  await replaceFile(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`)
  // Chunks of older builds go; the last build's stay a while for a command that started from it.
  const kept = new Set([...outputs, ...previous, 'manifest.json'])
  for (const name of await readdir(COMMANDS_DIR))
    if (!kept.has(name) && name.endsWith('.mjs')) await rm(join(COMMANDS_DIR, name), { force: true })
}

function previousOutputs(): string[] {
  try {
    return (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { outputs?: string[] }).outputs ?? []
  } catch {
    return []
  }
}

async function replaceFile(path: string, contents: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, contents)
  await rename(temporary, path)
}

/** True when every bundle exists and was built by this esbuild from the sources as they are now. */
export function areCommandBundlesCurrent(): boolean {
  try {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { esbuild: string; inputs: Record<string, string> }
    return manifest.esbuild === esbuildVersion && Object.entries(manifest.inputs).every(([p, s]) => stamp(p) === s)
  } catch {
    return false
  }
}

/** Builds the command bundles unless they are current. */
export async function ensureCommandBundles(): Promise<void> {
  if (!areCommandBundlesCurrent()) await buildCommandBundles()
}
