import pg from 'pg'
import { StartupError } from './errors'

/** Connects once to `url` and turns every failure into a one-line explanation. */
export async function checkDatabase(url: string): Promise<{ serverVersion: string }> {
  const target = describe(url)
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 })
  client.on('error', () => undefined)
  try {
    await client.connect()
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version')
    return { serverVersion: rows[0]?.server_version ?? 'unknown' }
  } catch (error) {
    throw explain(error, target)
  } finally {
    await client.end().catch(() => undefined)
  }
}

function describe(url: string): string {
  try {
    const u = new URL(url)
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname || ''}`
  } catch {
    return 'the configured server'
  }
}

function explain(error: unknown, target: string): StartupError {
  const e = error as { code?: string; message?: string }
  const code = e.code ?? ''
  const hint = 'Check DATABASE_URL, or unset it to use the embedded database.'
  switch (code) {
    case 'ECONNREFUSED':
      return new StartupError(
        `Cannot reach PostgreSQL at ${target}: connection refused (is the server running?).`,
        hint,
      )
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(`Cannot reach PostgreSQL at ${target}: the host name does not resolve.`, hint)
    case 'ETIMEDOUT':
      return new StartupError(`Cannot reach PostgreSQL at ${target}: the connection timed out.`, hint)
    case '28P01':
    case '28000':
      return new StartupError(`PostgreSQL at ${target} refused the user name or password.`, hint)
    case '3D000':
      return new StartupError(
        `PostgreSQL at ${target}: the database does not exist. Create it first (CREATE DATABASE …).`,
        hint,
      )
    default: {
      const message = (e.message ?? String(error)).split('\n')[0] ?? ''
      if (/timeout/i.test(message))
        return new StartupError(`Cannot reach PostgreSQL at ${target}: the connection timed out.`, hint)
      return new StartupError(`Cannot use PostgreSQL at ${target}: ${message}`, hint)
    }
  }
}
