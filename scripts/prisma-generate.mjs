// Runs `prisma generate` without the internet. The Prisma CLI insists on locating a native
// schema-engine binary even though `generate` never executes it; we point it at a stub that
// explains itself if anything ever does run it. Migrations use the WebAssembly engine instead.
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const stubDir = join(process.cwd(), 'node_modules', '.cache', 'lockstep')
const stub = join(stubDir, 'schema-engine-stub')
if (!existsSync(stub)) {
  mkdirSync(stubDir, { recursive: true })
  writeFileSync(
    stub,
    '#!/bin/sh\necho "Lockstep applies migrations with npm run db:migrate (WebAssembly engine); the native schema engine is not installed." >&2\nexit 1\n',
  )
  chmodSync(stub, 0o755)
}
const result = spawnSync('npx', ['prisma', 'generate'], {
  stdio: 'inherit',
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: stub, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
})
process.exit(result.status ?? 1)
