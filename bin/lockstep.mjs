#!/usr/bin/env node
// The `lockstep` command: runs scripts/lockstep.ts through tsx, with the project's path aliases. `copy`,
// `validate`, `sync` and `cutover` run their bundles from dist/commands when those are current (built ahead of
// time like the worker threads: no TypeScript compiled at start), else are built first.
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { isBuildCurrent } from '../lib/runtime/built.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
// `copy`, `validate`, `sync` and `remote` have lean entry points of their own (they start faster without the plan tooling).
const entries = new Map([
  ['copy', 'lockstep-copy'],
  ['validate', 'lockstep-validate'],
  ['sync', 'lockstep-sync'],
  ['cutover', 'lockstep-sync'],
  ['remote', 'lockstep-remote'],
])
const entry = entries.get(process.argv[2])
const bundled = entry && entry !== 'lockstep-remote'
const threads = join(root, 'dist', 'threads')
const commands = join(root, 'dist', 'commands')
const bundle = bundled ? join(commands, `${entry}.mjs`) : null
const current = () =>
  isBuildCurrent(root, join(threads, 'manifest.json'), (m) =>
    Object.keys(m.threads).map((n) => join(threads, `${n}.cjs`)),
  ) && isBuildCurrent(root, join(commands, 'manifest.json'), (m) => m.commands.map((n) => join(commands, `${n}.mjs`)))

// A bundle imports no `server-only` (build-commands.ts): only the TypeScript sources need its module hook.
if (bundle && current()) await import(pathToFileURL(bundle).href)
else {
  await import('../lib/runtime/server-only.mjs')
  const { register } = await import('tsx/esm/api')
  register({ tsconfig: join(root, 'tsconfig.json') })
  // All read SQLite sources in worker threads: their scripts are built here when missing or out of date.
  if (bundled) {
    const { ensureThreadScripts } = await import(join(root, 'lib', 'runtime', 'build-threads.ts'))
    const { ensureCommandBundles } = await import(join(root, 'lib', 'runtime', 'build-commands.ts'))
    await ensureThreadScripts((line) => console.error(line))
    // A project directory that cannot be written to still runs the command, from its sources.
    const built = await ensureCommandBundles().then(
      () => true,
      () => false,
    )
    await import(built ? pathToFileURL(bundle).href : join(root, 'scripts', `${entry}.ts`))
  } else await import(join(root, 'scripts', `${entry ?? 'lockstep'}.ts`))
}
