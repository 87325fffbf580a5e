import { systemPath } from '@/lib/env'
import { connectPostgres, type PostgresTarget } from '@/lib/targets/postgres'
import { quoteIdent } from '@/lib/targets/quote'
import { findPgTool, libpqEnv, runTool } from './tools'

// PostgreSQL backups: pg_dump's custom format (compressed, restorable table by table, readable by
// pg_restore --list without a server), verified by reading its table of contents back.

export type ServerInfo = { major: number; version: string }

export async function serverInfo(target: PostgresTarget): Promise<ServerInfo> {
  const client = await connectPostgres(target, { applicationName: 'lockstep backup' })
  try {
    const { rows } = await client.query<{ num: string; version: string }>(
      `SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version`,
    )
    const row = rows[0]
    return { major: Math.floor(Number(row?.num) / 10_000), version: row?.version ?? 'unknown' }
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** `schema.table` as pg_dump's -t takes it: each part quoted, so names with capitals or dots mean themselves. */
export function tablePattern(name: string): string {
  const [schema, table] = name.includes('.')
    ? [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)]
    : ['public', name]
  return `${quoteIdent(schema)}.${quoteIdent(table)}`
}

/** Dumps `target` (or only `tables`) to `file` with pg_dump -Fc. Returns the tool's and the server's versions. */
export async function dumpPostgres(
  target: PostgresTarget,
  file: string,
  options: { tables?: string[]; signal?: AbortSignal } = {},
): Promise<{ tool: string; server: string }> {
  const server = await serverInfo(target)
  const pgDump = await findPgTool('pg_dump', server.major)
  const tables = (options.tables ?? []).flatMap((t) => ['--table', tablePattern(t)])
  await runTool(
    pgDump.path,
    ['--format=custom', '--no-password', '--file', file, ...tables],
    libpqEnv(target),
    options.signal,
  )
  return { tool: pgDump.version, server: `PostgreSQL ${server.version}` }
}

/** The entries of the dump's table of contents, one line each ("215; 1259 16390 TABLE public orders owner"). */
async function tocLines(file: string): Promise<string[]> {
  const pgRestore = await findPgTool('pg_restore', null)
  const { stdout } = await runTool(pgRestore.path, ['--list', file], { PATH: systemPath() })
  return stdout.split('\n').filter((line) => line.trim() && !line.startsWith(';'))
}

const tocEntries = async (file: string) => (await tocLines(file)).length

/**
 * Reads the dump's table of contents back with pg_restore --list; throws when it cannot. That proves the file
 * is a readable dump and what it holds – not that it restores, which only a restore shows – and says so.
 */
export async function verifyPostgresDump(file: string): Promise<string> {
  const lines = await tocLines(file)
  if (lines.length === 0) throw new Error('pg_restore --list found no entries in the backup.')
  const tables = lines.filter((line) => /^\d+;\s+\d+\s+\d+\s+TABLE\s+(?!DATA\s)/.test(line)).length
  return `table of contents read (pg_restore --list): ${tables} table${tables === 1 ? '' : 's'}, ${lines.length} entr${lines.length === 1 ? 'y' : 'ies'}`
}

/**
 * Restores a dump into `target` in one transaction (all or nothing), objects owned by the connecting role.
 * `clean` drops the dump's objects first (for a restore over the database the dump came from).
 */
export async function restorePostgres(
  target: PostgresTarget,
  file: string,
  options: { clean?: boolean; signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<void> {
  const server = await serverInfo(target)
  const pgRestore = await findPgTool('pg_restore', server.major)
  const clean = options.clean ? ['--clean', '--if-exists'] : []
  // --verbose names each entry as it is restored: the count against the table of contents is the progress.
  const total = await tocEntries(file)
  let done = 0
  const onLine = (line: string) => {
    if (/^pg_restore: (creating|processing data|executing|restoring)/.test(line))
      options.onProgress?.(Math.min(++done, total), total)
  }
  await runTool(
    pgRestore.path,
    [
      '--verbose',
      '--no-password',
      '--single-transaction',
      '--exit-on-error',
      '--no-owner',
      '--no-privileges',
      ...clean,
      '--dbname',
      target.database,
      file,
    ],
    libpqEnv(target),
    options.signal,
    onLine,
  )
  options.onProgress?.(total, total)
}
