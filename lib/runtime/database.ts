import { createHash } from 'node:crypto'
import { statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { checkDatabase } from './check-database'
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres'
import { loadLocalState, saveLocalState, type LocalState } from './local-state'

export type OpenDatabase = {
  url: string
  embedded: EmbeddedServer | null
  local: LocalState
  serverVersion: string
  close: () => Promise<void>
}

export const EMBEDDED_DATABASE = 'lockstep'

/**
 * The database Lockstep keeps its own state in: `databaseUrl` when given, otherwise an embedded
 * PostgreSQL under `dataDir` (created on first use, reused after). Either way it is reachable on return.
 */
export async function openDatabase(options: { dataDir: string; databaseUrl?: string }): Promise<OpenDatabase> {
  const local = await loadLocalState(options.dataDir)
  if (options.databaseUrl) {
    const { serverVersion } = await checkDatabase(options.databaseUrl)
    return { url: options.databaseUrl, embedded: null, local, serverVersion, close: async () => undefined }
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: pgDataDir(options.dataDir),
    password: local.postgresPassword,
    preferredPort: local.postgresPort,
    logFile: join(options.dataDir, 'postgres.log'),
  })
  try {
    if (local.postgresPort !== embedded.port)
      await saveLocalState(options.dataDir, { ...local, postgresPort: embedded.port })
    await embedded.createDatabase(EMBEDDED_DATABASE)
    const url = embedded.url(EMBEDDED_DATABASE)
    const { serverVersion } = await checkDatabase(url)
    return { url, embedded, local, serverVersion, close: () => embedded.stop() }
  } catch (error) {
    await embedded.stop()
    throw error
  }
}

/**
 * Where the embedded cluster's files live. As root the server runs as the `postgres` user, which
 * must be able to traverse every parent directory; a checkout under /root cannot offer that, so the
 * cluster then lives under /var/lib/lockstep instead (one directory per checkout).
 */
export function pgDataDir(dataDir: string): string {
  const preferred = join(dataDir, 'pgdata')
  if (process.getuid?.() !== 0 || parentsTraversable(dataDir)) return preferred
  const key = createHash('sha256').update(preferred).digest('hex').slice(0, 12)
  return join('/var/lib/lockstep', key, 'pgdata')
}

function parentsTraversable(dir: string): boolean {
  for (let current = dirname(dir); ; current = dirname(current)) {
    try {
      if ((statSync(current).mode & 0o001) === 0) return false
    } catch {
      // Not created yet: mkdir will create it world-traversable.
    }
    if (current === dirname(current)) return true
  }
}

/**
 * For command-line tools: `databaseUrl` when given; otherwise the embedded database of a running
 * `npm start` (its runtime.json), or, when none runs, the embedded server started for the tool.
 */
export async function openDatabaseForTool(options: { dataDir: string; databaseUrl?: string }): Promise<OpenDatabase> {
  if (!options.databaseUrl) {
    const running = await readFile(join(options.dataDir, 'runtime.json'), 'utf8')
      .then((text) => (JSON.parse(text) as { databaseUrl?: unknown }).databaseUrl)
      .catch(() => undefined)
    if (typeof running === 'string') {
      const reachable = await checkDatabase(running).catch(() => null)
      if (reachable)
        return {
          url: running,
          embedded: null,
          local: await loadLocalState(options.dataDir),
          serverVersion: reachable.serverVersion,
          close: async () => undefined,
        }
    }
  }
  return openDatabase(options)
}
