#!/usr/bin/env node
// The `lockstep` command: runs scripts/lockstep.ts through tsx, with the project's path aliases.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'
import '../lib/runtime/server-only.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
register({ tsconfig: join(root, 'tsconfig.json') })
// `copy`, `validate`, `sync`, `cutover` and `remote` have lean entry points of their own (they start faster without the plan tooling).
const entries = new Map([
  ['copy', 'lockstep-copy.ts'],
  ['validate', 'lockstep-validate.ts'],
  ['sync', 'lockstep-sync.ts'],
  ['cutover', 'lockstep-sync.ts'],
  ['remote', 'lockstep-remote.ts'],
])
const entry = entries.get(process.argv[2])
// All read SQLite sources in worker threads: their scripts are built here when missing or out of date.
if (entry && entry !== 'lockstep-remote.ts') {
  const { ensureThreadScripts } = await import(join(root, 'lib', 'runtime', 'build-threads.ts'))
  await ensureThreadScripts((line) => console.error(line))
}
await import(join(root, 'scripts', entry ?? 'lockstep.ts'))
