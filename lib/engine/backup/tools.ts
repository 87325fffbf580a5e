import { execFile, spawn } from 'node:child_process'
import { access, constants, readdir } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import { appEnv, systemPath } from '@/lib/env'
import type { PostgresTarget } from '@/lib/targets/postgres'

// pg_dump and pg_restore: found where Debian installs them (the newest major first), then on the PATH, or
// where LOCKSTEP_PG_BIN says. pg_dump refuses servers newer than itself, so the tool is checked against the
// server before it runs, with how to install the right one.

export type PgTool = 'pg_dump' | 'pg_restore'
export type FoundTool = { path: string; major: number; version: string }

export class BackupToolError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BackupToolError'
  }
}

const executable = (path: string) =>
  access(path, constants.X_OK).then(
    () => true,
    () => false,
  )

async function candidates(tool: PgTool): Promise<string[]> {
  const configured = appEnv().LOCKSTEP_PG_BIN
  if (configured) return [join(configured, tool)]
  const debian = await readdir('/usr/lib/postgresql').catch(() => [] as string[])
  const majors = debian.filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a))
  return [
    ...majors.map((m) => join('/usr/lib/postgresql', m, 'bin', tool)),
    ...systemPath()
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, tool)),
  ]
}

const versionOf = (path: string) =>
  new Promise<string>((resolve, reject) =>
    execFile(path, ['--version'], { timeout: 10_000 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout.trim()),
    ),
  )

const installHint = (major: number) =>
  `Install it with: apt-get install postgresql-client-${major} (or set LOCKSTEP_PG_BIN to the bin directory of a PostgreSQL ${major} client).`

/** The tool to use against a server of `serverMajor` (null: any), or a BackupToolError saying what to install. */
export async function findPgTool(tool: PgTool, serverMajor: number | null): Promise<FoundTool> {
  let newest: FoundTool | null = null
  for (const path of await candidates(tool)) {
    if (!(await executable(path))) continue
    const version = await versionOf(path).catch(() => null)
    const major = Number(version?.match(/(\d+)(?:\.\d+)?/)?.[1])
    if (!version || !Number.isFinite(major)) continue
    if (!newest || major > newest.major) newest = { path, major, version }
  }
  if (!newest)
    throw new BackupToolError(`${tool} is not installed on the worker's machine. ${installHint(serverMajor ?? 15)}`)
  if (serverMajor !== null && newest.major < serverMajor) {
    throw new BackupToolError(
      `${tool} ${newest.major} (${newest.path}) cannot dump a PostgreSQL ${serverMajor} server: it must be version ${serverMajor} or newer. ${installHint(serverMajor)}`,
    )
  }
  return newest
}

/** libpq's environment for `target`: the password never appears on a command line. */
export type ToolEnv = Record<string, string | undefined>

export function libpqEnv(target: PostgresTarget): ToolEnv {
  return {
    PATH: systemPath(),
    PGHOST: target.host,
    PGPORT: String(target.port),
    PGDATABASE: target.database,
    PGUSER: target.user,
    PGPASSWORD: target.password,
    PGSSLMODE: target.sslMode,
    PGCONNECT_TIMEOUT: '10',
    PGAPPNAME: 'lockstep backup',
  }
}

/**
 * Runs a tool to its end; rejects with the last lines it wrote to stderr (the useful part of a pg_dump
 * failure). Aborting `signal` stops it.
 */
export function runTool(
  path: string,
  args: string[],
  env: ToolEnv,
  signal?: AbortSignal,
  onStderrLine?: (line: string) => void,
): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    // Only libpq's variables reach the tool: none of the worker's own secrets.
    const child = spawn(path, args, { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], signal })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    let partial = ''
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString()
      stderr = (stderr + text).slice(-4000)
      if (!onStderrLine) return
      const lines = (partial + text).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) onStderrLine(line)
    })
    child.on('error', (error) => reject(signal?.aborted ? new Error('Cancelled.') : error))
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout })
      else reject(new Error(stderr.trim().split('\n').slice(-3).join(' ') || `${path} exited with code ${code}`))
    })
  })
}
