#!/usr/bin/env node
// The `lockstep` command: runs scripts/lockstep.ts through tsx, with the project's path aliases.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
register({ tsconfig: join(root, 'tsconfig.json') })
// `copy` has a lean entry point of its own (it starts faster without the plan tooling).
await import(join(root, 'scripts', process.argv[2] === 'copy' ? 'lockstep-copy.ts' : 'lockstep.ts'))
