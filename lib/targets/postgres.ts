import { Socket, type LookupFunction } from 'node:net'
import pg from 'pg'
import { parse } from 'pg-connection-string'
import type { Introspection, ProbeResult } from '@/lib/domain/connection-probe'
import { redact } from '@/lib/domain/redact'

// Talking to a PostgreSQL database a plan migrates from or to (not Lockstep's own database).

export type SslMode = 'disable' | 'prefer' | 'require' | 'verify-full'

export type PostgresTarget = {
  host: string
  port: number
  database: string
  user: string
  password: string
  sslMode: SslMode
  /** When set, the only addresses the host may lead to (already checked); the host still names the server for TLS. */
  addresses?: readonly { address: string; family: number }[]
}

/** A socket that connects only to `addresses`, whatever the host name resolves to by then. */
function pinnedSocket(addresses: readonly { address: string; family: number }[]): Socket {
  const socket = new Socket()
  const lookup: LookupFunction = (_host, options, callback) => {
    const fitting = addresses.filter((a) => !options.family || a.family === options.family)
    const first = fitting[0]
    if (options.all)
      callback(
        null,
        fitting.map((a) => ({ ...a })),
      )
    else if (first) callback(null, first.address, first.family)
    else callback(Object.assign(new Error('no address of the requested family'), { code: 'ENOTFOUND' }), '')
  }
  const connect = socket.connect.bind(socket)
  // pg calls connect(port, host) for TCP; a Unix socket path is never pinned.
  socket.connect = ((port: number, host: string) => connect({ port, host, lookup })) as typeof socket.connect
  return socket
}

/** A postgresql:// URL as a target (sslmode=disable|require|verify-full, else prefer); throws when it is not one. */
export function postgresTargetFromUrl(url: string): PostgresTarget {
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new Error('not a postgresql:// URL')
  const parsed = parse(url)
  const ssl = /sslmode=([a-z-]+)/i.exec(url)?.[1]?.toLowerCase()
  if (!parsed.database) throw new Error('the URL names no database')
  return {
    host: parsed.host ?? 'localhost',
    port: Number(parsed.port ?? 5432),
    database: parsed.database,
    user: parsed.user ?? '',
    password: parsed.password ?? '',
    sslMode: ssl === 'disable' || ssl === 'require' || ssl === 'verify-full' ? ssl : 'prefer',
  }
}

const CONNECT_TIMEOUT_MS = 5_000

function clientConfig(target: PostgresTarget, ssl: boolean, overrides: ConnectOptions): pg.ClientConfig {
  return {
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    password: target.password,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: CONNECT_TIMEOUT_MS,
    statement_timeout: CONNECT_TIMEOUT_MS,
    application_name: overrides.applicationName ?? 'lockstep',
    // Literals Lockstep writes or passes on (defaults, definitions from a source) mean what they say only with
    // standard strings; a role or database set to the old backslash escapes must not change that.
    options: '-c standard_conforming_strings=on',
    ...(overrides.longRunning || overrides.replication
      ? { query_timeout: undefined, statement_timeout: undefined }
      : {}),
    // A walsender takes no statement_timeout (it is not a GUC it accepts at start), and no options of ours.
    ...(overrides.replication ? { replication: 'database', options: undefined } : {}),
    ssl: !ssl
      ? false
      : target.sslMode === 'verify-full'
        ? { rejectUnauthorized: true, servername: target.host }
        : { rejectUnauthorized: false },
    ...(target.addresses?.length ? { stream: () => pinnedSocket(target.addresses ?? []) } : {}),
  }
}

/**
 * `longRunning`: no client-side query timeout (the engine sets statement_timeout itself). `replication`: a
 * walsender session of the database (logical replication's own protocol: slots, START_REPLICATION).
 */
export type ConnectOptions = { applicationName?: string; longRunning?: boolean; replication?: boolean }

/** Errors thrown while connecting, as opposed to a session that was lost later. */
const CONNECT_ERRORS = new WeakSet<object>()

/**
 * The client settings `connectPostgres` settled on for `target` (SSL or not, for "prefer"), for a library that
 * opens its own connections (logical replication's stream): tried once, so a failure is described the same way.
 */
export async function settledClientConfig(
  target: PostgresTarget,
  options: ConnectOptions = {},
): Promise<pg.ClientConfig> {
  const client = await connectPostgres(target, options)
  const ssl = !!(client as unknown as { ssl?: unknown }).ssl && target.sslMode !== 'disable'
  await client.end().catch(() => undefined)
  return clientConfig(target, ssl, options)
}

/** Connects with the SSL mode's rules ("prefer" falls back to plain when the server has no SSL). */
export async function connectPostgres(target: PostgresTarget, options: ConnectOptions = {}): Promise<pg.Client> {
  const attempt = async (ssl: boolean) => {
    const client = new pg.Client(clientConfig(target, ssl, options))
    client.on('error', () => undefined) // a dropped connection surfaces on the next query instead
    try {
      await client.connect()
      return client
    } catch (error) {
      await client.end().catch(() => undefined)
      if (typeof error === 'object' && error !== null) CONNECT_ERRORS.add(error)
      throw error
    }
  }
  if (target.sslMode === 'disable') return attempt(false)
  if (target.sslMode !== 'prefer') return attempt(true)
  // "prefer" takes a plain connection from a server that refuses TLS. libpq asks on the same connection; pg needs a
  // second one, so a refusal is remembered for a minute and the next connections to that server start plain.
  const server = `${target.host}:${target.port}`
  const refusedAt = SSL_REFUSED.get(server)
  if (refusedAt !== undefined && Date.now() - refusedAt < SSL_REFUSAL_MEMORY_MS) return attempt(false)
  try {
    const client = await attempt(true)
    SSL_REFUSED.delete(server)
    return client
  } catch (error) {
    if (!/does not support SSL/i.test(String((error as Error).message))) throw error
    SSL_REFUSED.set(server, Date.now())
    return attempt(false)
  }
}

/** Servers (host:port) that refused TLS to a "prefer" connection, and when. */
const SSL_REFUSED = new Map<string, number>()
const SSL_REFUSAL_MEMORY_MS = 60_000

// The server ended the session (terminated, shut down, crashed) or the network dropped it.
const CONNECTION_LOST_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006'])

/** True when `error` means the connection itself is gone, rather than a statement failing on a live one. */
export function isConnectionLost(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null
  return (
    CONNECTION_LOST_CODES.has(e?.code ?? '') ||
    ['ECONNRESET', 'EPIPE'].includes(e?.code ?? '') ||
    /Connection terminated|not queryable|server closed the connection/i.test(e?.message ?? '')
  )
}

/** A failure to connect (or a connection lost later), named for the person who has to fix it. */
export function describePostgresError(
  error: unknown,
  target: PostgresTarget,
): { kind: Extract<ProbeResult, { ok: false }>['kind']; message: string } {
  const e = error as NodeJS.ErrnoException & { code?: string; library?: string }
  const where = `${target.host}:${target.port}`
  const message = redact(String(e?.message ?? error), [target.password])
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN')
    return {
      kind: 'dns',
      message: `The host name “${target.host}” cannot be resolved (DNS). Check the spelling, or use an IP address.`,
    }
  if (e?.code === 'ECONNREFUSED')
    return {
      kind: 'refused',
      message: `Nothing accepts connections at ${where}: the connection was refused. Is PostgreSQL running and listening on that port?`,
    }
  if (e?.code === 'ETIMEDOUT' || e?.code === 'EHOSTUNREACH' || /timeout|timed out/i.test(message))
    return {
      kind: 'timeout',
      message: `No answer from ${where} within ${CONNECT_TIMEOUT_MS / 1000} s. A firewall may be dropping the connection, or the host is down.`,
    }
  if (e?.code === '28P01')
    return {
      kind: 'auth',
      message: `Password authentication failed for user “${target.user}”. Check the user name and password.`,
    }
  if (e?.code === '28000')
    return {
      kind: 'auth',
      message: `The server does not let user “${target.user}” in (role missing, or no pg_hba.conf entry for this host).`,
    }
  if (e?.code === '3D000')
    return { kind: 'database', message: `The database “${target.database}” does not exist on ${where}.` }
  if (isCertificateError(e))
    return {
      kind: 'ssl',
      message: `SSL failed with mode “${target.sslMode}”: the server's certificate was not accepted (${message}). Check the server's certificate, or choose “require” to encrypt without checking it.`,
    }
  if (/does not support SSL/i.test(message))
    return {
      kind: 'ssl',
      message: `SSL failed with mode “${target.sslMode}”: the server at ${where} does not offer SSL. Choose “prefer” or “disable”, or turn SSL on in the server.`,
    }
  if (isTlsError(e))
    return { kind: 'ssl', message: `SSL failed with mode “${target.sslMode}”: ${message}. Try another SSL mode.` }
  // pg's words when the answer to its SSL request is neither yes nor no: something other than PostgreSQL answered.
  if (/error establishing an SSL connection/i.test(message))
    return {
      kind: 'other',
      message: `The server at ${where} answered in a way PostgreSQL never does – is it a PostgreSQL server on that port?`,
    }
  if (isClosedEarly(e, message)) {
    if (typeof error === 'object' && error !== null && CONNECT_ERRORS.has(error))
      return {
        kind: 'other',
        message: `The server at ${where} closed the connection right after connecting – is it a PostgreSQL server on that port?`,
      }
    return { kind: 'other', message: `The connection to ${where} was lost: ${message}.` }
  }
  return { kind: 'other', message: `Could not connect to ${where}: ${message}` }
}

// OpenSSL's verification codes (DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED…) and Node's host name check.
const isCertificateError = (e: { code?: string } | null) => /CERT|SIGNED|ALTNAME|HOSTNAME/.test(e?.code ?? '')

/** An error of the TLS layer itself (a handshake or protocol failure), not a connection that merely ended during it. */
const isTlsError = (e: { code?: string; library?: string } | null) =>
  /^ERR_(SSL|TLS)_/.test(e?.code ?? '') || /SSL routines/i.test(e?.library ?? '')

/** The server accepted the TCP connection and ended it before a word of PostgreSQL – during the SSL handshake too. */
const isClosedEarly = (e: { code?: string } | null, message: string) =>
  ['ECONNRESET', 'EPIPE'].includes(e?.code ?? '') ||
  /Connection terminated unexpectedly|socket disconnected before secure TLS/i.test(message)

/** Connects, and reports the server version, a round-trip latency and what the role may do. */
export async function probePostgres(target: PostgresTarget): Promise<ProbeResult> {
  let client: pg.Client | null = null
  try {
    client = await connectPostgres(target)
    const started = performance.now()
    await client.query('SELECT 1')
    const latencyMs = Math.round((performance.now() - started) * 10) / 10
    const { rows } = await client.query<Record<string, boolean | string>>(`
      SELECT current_setting('server_version') AS version, current_user AS "user",
             r.rolsuper AS superuser, r.rolcreatedb AS createdb, r.rolreplication AS replication,
             has_database_privilege(current_database(), 'CONNECT') AS connect,
             has_database_privilege(current_database(), 'CREATE') AS create_schema,
             has_database_privilege(current_database(), 'TEMP') AS temp,
             coalesce(has_schema_privilege('public', 'CREATE'), false) AS public_create,
             coalesce(has_schema_privilege('public', 'USAGE'), false) AS public_usage
        FROM pg_roles r WHERE r.rolname = current_user`)
    const row = rows[0] ?? {}
    const privileges = [
      row.superuser && 'superuser',
      row.connect && 'connect',
      row.public_usage && 'use schema public',
      row.public_create && 'create in schema public',
      row.create_schema && 'create schemas',
      row.temp && 'temporary tables',
      row.createdb && 'create databases',
      row.replication && 'replication',
    ].filter((p): p is string => typeof p === 'string')
    return {
      ok: true,
      engine: 'POSTGRES',
      serverVersion: `PostgreSQL ${row.version}`,
      latencyMs,
      user: String(row.user ?? target.user),
      privileges,
    }
  } catch (error) {
    return { ok: false, ...describePostgresError(error, target) }
  } finally {
    await client?.end().catch(() => undefined)
  }
}

export async function introspectPostgres(target: PostgresTarget): Promise<Introspection> {
  const client = await connectPostgres(target)
  try {
    const tables = await client.query<{ schema: string; name: string; estimate: string }>(`
      SELECT n.nspname AS schema, c.relname AS name, greatest(c.reltuples, 0)::bigint AS estimate
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
       ORDER BY 1, 2`)
    const columns = await client.query<{
      schema: string
      table: string
      name: string
      type: string
      nullable: boolean
      default: string | null
    }>(`
      SELECT n.nspname AS schema, c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
             NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
       ORDER BY 1, 2, a.attnum`)
    const constraints = await client.query<{
      schema: string
      table: string
      name: string
      type: string
      definition: string
      columns: string[]
    }>(`
      SELECT n.nspname AS schema, c.relname AS table, k.conname AS name, k.contype AS type, pg_get_constraintdef(k.oid) AS definition,
             array(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, i) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.i)::text[] AS columns
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE k.contype IN ('p', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')`)
    const indexes = await client.query<{
      schema: string
      table: string
      name: string
      definition: string
      unique: boolean
    }>(`
      SELECT n.nspname AS schema, t.relname AS table, i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition, x.indisunique AS unique
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
       ORDER BY 1, 2, 3`)
    const key = (schema: string, table: string) => `${schema}.${table}`
    return {
      tables: tables.rows.map((t) => {
        const here = (r: { schema: string; table: string }) => key(r.schema, r.table) === key(t.schema, t.name)
        return {
          schema: t.schema,
          name: t.name,
          rowEstimate: Number(t.estimate),
          columns: columns.rows
            .filter(here)
            .map((c) => ({ name: c.name, type: c.type, nullable: c.nullable, default: c.default })),
          primaryKey: constraints.rows.find((k) => here(k) && k.type === 'p')?.columns ?? [],
          foreignKeys: constraints.rows
            .filter((k) => here(k) && k.type === 'f')
            .map((k) => ({ name: k.name, columns: k.columns, definition: k.definition })),
          indexes: indexes.rows.filter(here).map((i) => ({ name: i.name, unique: i.unique, definition: i.definition })),
        }
      }),
    }
  } finally {
    await client.end().catch(() => undefined)
  }
}
