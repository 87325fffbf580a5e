import type { ChildProcess } from 'node:child_process'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { childEnv as makeChildEnv, emailEnv, exportEnv, launcherEnv } from '@/lib/env'
import { applyMigrations } from '@/lib/migrate/migrations'
import { restrictDemoRole } from '@/prisma/demo'
import { seedDatabase, type SeedResult } from '@/prisma/seed'
import { isBuildCurrent, markBuildCurrent, sourceFingerprint } from './build-fingerprint'
import { ensureThreadScripts, watchThreadScripts } from './build-threads'
import { runToCompletion, SERVER_ONLY_IMPORT, spawnPrefixed, stopChild, waitForHttp } from './children'
import { openDatabase, pgDataDir, type OpenDatabase } from './database'
import { StartupError } from './errors'
import { defaultBackupDir, defaultSqliteDir, loadOrCreateSecretKey, resolveDataDir } from './local-state'
import { isPortFree } from './ports'

export type LaunchOptions = { dev: boolean; fresh: boolean }

const ROOT = process.cwd()
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name)

/**
 * `npm start`: Lockstep's database (embedded unless DATABASE_URL is set), migrated and seeded,
 * then the web app and a worker beside it, until Ctrl-C stops all of it.
 */
export async function launch(options: LaunchOptions): Promise<void> {
  const env = launcherEnv()
  emailEnv() // a malformed email setting stops `npm start` here, naming it, rather than in the web app and worker
  const dataDir = resolveDataDir(env.LOCKSTEP_DATA_DIR)
  if (!(await isPortFree(env.PORT))) {
    throw new StartupError(
      `Port ${env.PORT} is already in use.`,
      `Stop whatever listens there, or start on another port: PORT=${env.PORT + 1} npm start`,
    )
  }
  if (options.fresh) {
    await rm(pgDataDir(dataDir), { recursive: true, force: true })
    await rm(dataDir, { recursive: true, force: true })
  }

  log(
    env.DATABASE_URL
      ? 'Connecting to PostgreSQL from DATABASE_URL…'
      : `Starting the embedded PostgreSQL (data in ${pgDataDir(dataDir)})…`,
  )
  const database = await openDatabase({ dataDir, databaseUrl: env.DATABASE_URL })
  const children: ChildProcess[] = []
  let stopping = false
  let stopWatching = async () => {}
  const shutdown = async (code: number) => {
    if (stopping) return
    stopping = true
    log('Stopping…')
    await stopWatching()
    await Promise.all(children.map((child) => stopChild(child)))
    await database.close()
    log('Stopped.')
    process.exit(code)
  }
  process.on('SIGINT', () => void shutdown(0))
  process.on('SIGTERM', () => void shutdown(0))

  try {
    const applied = await applyMigrations(database.url)
    if (applied.length) log(`Applied ${applied.length} migration(s).`)
    // Earlier versions gave the demo role server-wide rights; where Lockstep's user may not take them back, it says so.
    await restrictDemoRole(database.url).catch((error: Error) =>
      log(`Could not revoke pg_monitor and pg_signal_backend from the demo role: ${error.message.split('\n')[0]}`),
    )
    const sqliteDir = resolve(env.LOCKSTEP_SQLITE_DIR ?? defaultSqliteDir(dataDir))
    await mkdir(sqliteDir, { recursive: true })
    const backupDir = resolve(env.LOCKSTEP_BACKUP_DIR ?? defaultBackupDir(dataDir))
    await mkdir(backupDir, { recursive: true, mode: 0o700 })
    const shared = {
      DATABASE_URL: database.url,
      AUTH_SECRET: env.AUTH_SECRET ?? database.local.authSecret,
      LOCKSTEP_SECRET_KEY: env.LOCKSTEP_SECRET_KEY ?? (await loadOrCreateSecretKey(dataDir)),
      LOCKSTEP_SQLITE_DIR: sqliteDir,
      LOCKSTEP_BACKUP_DIR: backupDir,
    }
    exportEnv(shared)
    const childEnv = makeChildEnv({ ...shared, PORT: String(env.PORT), NEXT_TELEMETRY_DISABLED: '1' })
    const seeded = await seedDatabase({
      adminEmail: env.LOCKSTEP_ADMIN_EMAIL,
      adminPassword: env.LOCKSTEP_ADMIN_PASSWORD,
      demo: env.LOCKSTEP_DEMO === 'true' ? { serverUrl: database.url } : undefined,
    })
    await writeFile(
      join(dataDir, 'runtime.json'),
      JSON.stringify({ databaseUrl: database.url, port: env.PORT, pid: process.pid }),
      { mode: 0o600 },
    )

    await ensureThreadScripts(log)
    if (options.dev) stopWatching = (await watchThreadScripts(log)).stop
    else await buildIfNeeded(childEnv)
    const web = options.dev
      ? spawnPrefixed('[web]', bin('next'), ['dev', '-p', String(env.PORT)], { ...childEnv, NODE_ENV: 'development' })
      : spawnPrefixed('[web]', bin('tsx'), [...SERVER_ONLY_IMPORT, join(ROOT, 'scripts', 'web.ts')], {
          ...childEnv,
          NODE_ENV: 'production',
        })
    children.push(web)
    web.on('exit', (code) => {
      if (!stopping) {
        log(`The web server stopped unexpectedly (exit ${code ?? 'signal'}).`)
        void shutdown(1)
      }
    })
    superviseWorker(childEnv, children, () => stopping)
    // The demo's application: it writes to the HomeVerse file only while the demo plan's sync follows it.
    if (env.LOCKSTEP_DEMO === 'true')
      children.push(
        spawnPrefixed(
          '[demo app]',
          bin('tsx'),
          [...SERVER_ONLY_IMPORT, join(ROOT, 'scripts', 'demo-app.ts')],
          childEnv,
        ),
      )

    const url = `http://localhost:${env.PORT}`
    if (!(await waitForHttp(`${url}/login`, 120_000, () => web.exitCode === null))) {
      throw new StartupError('The web server did not come up.', 'See the [web] lines above.')
    }
    printBanner(url, database, seeded)
  } catch (error) {
    stopping = true
    await stopWatching()
    await Promise.all(children.map((child) => stopChild(child)))
    await database.close()
    throw error
  }
}

async function buildIfNeeded(env: NodeJS.ProcessEnv): Promise<void> {
  if (isBuildCurrent(ROOT)) return
  const fingerprint = sourceFingerprint(ROOT)
  log('Building the app for production (once per change; takes a minute or two)…')
  const code = await runToCompletion(bin('next'), ['build'], { ...env, NODE_ENV: 'production' })
  if (code !== 0) throw new StartupError('The production build failed.', 'See the build output above.')
  markBuildCurrent(ROOT, fingerprint)
}

/** Keeps one worker running beside the web server, restarting it (with a pause) if it dies. */
function superviseWorker(env: NodeJS.ProcessEnv, children: ChildProcess[], isStopping: () => boolean): void {
  const start = () => {
    const worker = spawnPrefixed(
      '[worker]',
      bin('tsx'),
      [...SERVER_ONLY_IMPORT, join(ROOT, 'scripts', 'worker.ts')],
      env,
    )
    children.push(worker)
    worker.on('exit', (code) => {
      children.splice(children.indexOf(worker), 1)
      if (isStopping()) return
      log(`The worker stopped (exit ${code ?? 'signal'}); restarting it in 3 seconds.`)
      setTimeout(() => !isStopping() && start(), 3_000)
    })
  }
  start()
}

function printBanner(url: string, database: OpenDatabase, seeded: SeedResult): void {
  const lines = [
    '',
    `  Lockstep is running at ${url}`,
    `  Database: ${database.embedded ? 'embedded' : 'external'} PostgreSQL ${database.serverVersion}`,
  ]
  if (seeded.adminCreated && seeded.generated) {
    lines.push(
      `  Sign in as ${seeded.email} with password ${seeded.password}`,
      '  (shown only this once – keep it, or set a new one under Admin → Users)',
    )
  } else if (seeded.adminCreated) {
    lines.push(`  Sign in as ${seeded.email} with the password from LOCKSTEP_ADMIN_PASSWORD.`)
  } else {
    lines.push('  Sign in with your Lockstep account.')
  }
  if (seeded.adminCreated && seeded.demo) lines.push(`  ${seeded.demo}`)
  lines.push('  Press Ctrl-C to stop.', '')
  console.log(lines.join('\n'))
}

function log(line: string): void {
  console.log(`[lockstep] ${line}`)
}
