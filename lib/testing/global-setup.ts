import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { applyMigrations } from '@/lib/migrate/migrations'
import { ensureCommandBundles } from '@/lib/runtime/build-commands'
import { ensureThreadScripts } from '@/lib/runtime/build-threads'
import { startEmbeddedPostgres, type EmbeddedServer } from '@/lib/runtime/embedded-postgres'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
    serverUrl: string
  }
}

let server: EmbeddedServer | undefined
const dataDir = join(tmpdir(), `lockstep-vitest-${process.pid}`)

/** Builds the worker threads and the command bundles if needed and starts a throwaway embedded PostgreSQL with Lockstep's migrations applied. */
export async function setup(project: TestProject) {
  await ensureThreadScripts()
  await ensureCommandBundles()
  await rm(dataDir, { recursive: true, force: true })
  // Two test files at once, some starting worker processes with pools of their own, and the target databases
  // they copy into, all on this one server: more connections at a time than PostgreSQL's default 100.
  server = await startEmbeddedPostgres({ dataDir, password: 'vitest', settings: { max_connections: 300 } })
  await server.createDatabase('lockstep_test')
  await applyMigrations(server.url('lockstep_test'))
  project.provide('databaseUrl', server.url('lockstep_test'))
  project.provide('serverUrl', server.url('postgres'))
}

export async function teardown() {
  await server?.stop()
  await rm(dataDir, { recursive: true, force: true })
}
