// Restoring a backup over the database it was taken from replaces what is there: a DBA must type that
// database's name. "The same database" is the same connection, or another connection to the same
// PostgreSQL database (host, port and name) or SQLite file.

export type Endpoint = {
  id: string
  engine: 'POSTGRES' | 'SQLITE'
  host: string | null
  port: number | null
  database: string | null
  filePath: string | null
}

export function isSameDatabase(a: Endpoint, b: Endpoint): boolean {
  if (a.id === b.id) return true
  if (a.engine !== b.engine) return false
  if (a.engine === 'SQLITE') return !!a.filePath && a.filePath === b.filePath
  const host = (h: string | null) => (h ?? '').toLowerCase().replace(/^(127\.0\.0\.1|::1)$/, 'localhost')
  return (
    host(a.host) === host(b.host) && (a.port ?? 5432) === (b.port ?? 5432) && !!a.database && a.database === b.database
  )
}

/** The name a DBA types to restore over `endpoint`: its database, or its SQLite file. */
export const confirmationNameOf = (endpoint: Endpoint) =>
  endpoint.engine === 'SQLITE' ? (endpoint.filePath ?? '') : (endpoint.database ?? '')
