import { ownServerMessage } from '@/lib/domain/connection-endpoint'
import { db, Prisma } from '@/lib/db'
import { introspectPostgres, probePostgres, type PostgresTarget } from '@/lib/targets/postgres'
import { introspectSqlite, probeSqlite } from '@/lib/targets/sqlite'
import type { Introspection, ProbeResult } from '@/lib/domain/connection-probe'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCan, assertCanInTx } from '@/lib/server/authorize'
import { conflict, notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'
import { sqliteDir } from './commands'
import { resolveEndpoint } from './own-server'
import { postgresTargetOf } from './secrets'

// "Test connection" and "Show schema" reach whatever host and port a connection names, so they are
// no port scanner: each person has PROBE_LIMIT of them a minute, counted from the audit log under a
// per-person lock in the same transaction that writes the probe's audit event; they use only the
// saved settings, never Lockstep's own database server unless an admin allowed it, and their failures
// do not tell a closed port from a filtered one or from a service that is not PostgreSQL.

export const PROBE_LIMIT = 10
const PROBE_ACTIONS = ['connection.test', 'connection.introspect'] as const

type Probe = { name: string } & (
  { engine: 'SQLITE'; dir: string; file: string } | { engine: 'POSTGRES'; target: PostgresTarget | null; host: string }
)

/** One probe of a saved connection, counted and audited; throws when over the limit or when it leads to Lockstep's own server unallowed. */
async function startProbe(
  actor: UserActor,
  connectionId: string,
  action: (typeof PROBE_ACTIONS)[number],
): Promise<Probe> {
  assertCan(actor, 'connection:read')
  if (!ZId.safeParse(connectionId).success) throw notFound('Connection')
  const seen = await db.connection.findUnique({
    where: { id: connectionId },
    select: { engine: true, host: true, port: true },
  })
  if (!seen) throw notFound('Connection')
  // Resolved outside the transaction (DNS may take seconds); the probe connects only to these addresses.
  const endpoint = seen.engine === 'POSTGRES' ? await resolveEndpoint(seen.host ?? '', seen.port ?? 5432) : null
  const { row, refused } = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`connection-probe:${actor.id}`}, 0))`
    await assertCanInTx(tx, actor, 'connection:read')
    const row = await tx.connection.findUnique({ where: { id: connectionId } })
    if (!row) throw notFound('Connection')
    if (row.host !== seen.host || row.port !== seen.port)
      throw conflict(`“${row.name}” was changed just now; test it again.`)
    const [used] = await tx.$queryRaw<{ n: number; wait: number | null }[]>`
      SELECT count(*)::int AS n, ceil(extract(epoch FROM min("createdAt") + interval '1 minute' - now()))::int AS wait
        FROM "AuditEvent"
       WHERE "actorId" = ${actor.id}::uuid AND "action" IN (${Prisma.join([...PROBE_ACTIONS])}) AND "createdAt" > now() - interval '1 minute'`
    if ((used?.n ?? 0) >= PROBE_LIMIT)
      throw conflict(
        `You tested connections ${PROBE_LIMIT} times in the last minute; try again in ${Math.max(1, used?.wait ?? 60)} s.`,
      )
    const refused = endpoint?.ownServer === true && !row.ownServerAllowed
    await recordAudit(tx, actor, {
      action,
      entityType: 'Connection',
      entityId: row.id,
      after: {
        name: row.name,
        ...(row.engine === 'SQLITE'
          ? { filePath: row.filePath }
          : { host: row.host, port: row.port, database: row.database }),
        ...(refused ? { refused: 'own database server' } : {}),
      },
    })
    return { row, refused }
  })
  if (refused) throw conflict(ownServerMessage(row.name))
  if (row.engine === 'SQLITE') return { name: row.name, engine: 'SQLITE', dir: sqliteDir(), file: row.filePath ?? '' }
  const addresses = endpoint?.resolvable ? (endpoint.addresses ?? undefined) : undefined
  return {
    name: row.name,
    engine: 'POSTGRES',
    host: row.host ?? '',
    target: endpoint?.resolvable ? { ...postgresTargetOf(row), addresses } : null,
  }
}

/** A failure as a DBA needs it, without telling a closed port from a filtered one or from a service that is not PostgreSQL. */
function answerOf(result: ProbeResult, target: PostgresTarget): ProbeResult {
  if (result.ok) return result
  const unanswered = ['refused', 'timeout', 'other'].includes(result.kind)
  if (!unanswered) return result
  return {
    ok: false,
    kind: 'unreachable',
    message: `No PostgreSQL server answered at ${target.host}:${target.port}: nothing accepts connections there, a firewall drops them, or what answers is not PostgreSQL. Check the host, the port and the firewall.`,
  }
}

const unresolvable = (host: string) =>
  `The host name “${host}” cannot be resolved (DNS). Check the spelling, or use an IP address.`

/** Editors (PROBE_LIMIT a minute, audited): connects with the saved settings and reports version, latency and privileges, or what went wrong. */
export async function testConnection(actor: UserActor, connectionId: string): Promise<ProbeResult> {
  const p = await startProbe(actor, connectionId, 'connection.test')
  if (p.engine === 'SQLITE') return probeSqlite(p.dir, p.file)
  if (!p.target) return { ok: false, kind: 'dns', message: unresolvable(p.host) }
  return answerOf(await probePostgres(p.target), p.target)
}

/** Editors (counted with the tests, audited): the tables, columns, keys and indexes of the connection's database. */
export async function introspectConnection(actor: UserActor, connectionId: string): Promise<Introspection> {
  const p = await startProbe(actor, connectionId, 'connection.introspect')
  if (p.engine === 'SQLITE') {
    // A missing or unreadable file is said as the connection test says it, not as an unexpected failure.
    const probe = probeSqlite(p.dir, p.file)
    if (!probe.ok) throw conflict(probe.message)
    return introspectSqlite(p.dir, p.file)
  }
  if (!p.target) throw conflict(unresolvable(p.host))
  const probe = answerOf(await probePostgres(p.target), p.target)
  if (!probe.ok) throw conflict(probe.message)
  return introspectPostgres(p.target)
}
