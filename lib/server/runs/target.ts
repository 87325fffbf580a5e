import { db } from '@/lib/db'
import { postgresTargetOf } from '@/lib/server/connections/secrets'
import { appEnv } from '@/lib/env'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { resolveSqlitePath } from '@/lib/targets/sqlite'

/** The plan's PostgreSQL target connection on an environment, password decrypted, or null when it has none. */
export async function planTargetOf(
  planId: string,
  environmentId: string,
): Promise<(PostgresTarget & { name: string; connectionId: string }) | null> {
  const mapping = await db.planEnvironment.findUnique({
    where: { planId_environmentId: { planId, environmentId } },
    include: { targetConnection: true },
  })
  const c = mapping?.targetConnection
  if (!c || c.engine !== 'POSTGRES') return null
  return { name: c.name, connectionId: c.id, ...postgresTargetOf(c) }
}

export type PlanSource = { name: string; connectionId: string; identity: string } & (
  { engine: 'SQLITE'; path: string } | { engine: 'POSTGRES'; target: PostgresTarget }
)

/**
 * The plan's source connection on an environment, ready to read: a SQLite file's real path (inside the
 * SQLite directory) or a PostgreSQL target, password decrypted. Null when it has none; throws with a
 * clear message when the file cannot be used.
 */
export async function planSourceOf(planId: string, environmentId: string): Promise<PlanSource | null> {
  const mapping = await db.planEnvironment.findUnique({
    where: { planId_environmentId: { planId, environmentId } },
    include: { sourceConnection: true },
  })
  const c = mapping?.sourceConnection
  if (!c) return null
  if (c.engine === 'POSTGRES') {
    const target = postgresTargetOf(c)
    return { name: c.name, connectionId: c.id, engine: 'POSTGRES', target, identity: `postgres:${c.id}` }
  }
  const dir = appEnv().LOCKSTEP_SQLITE_DIR
  if (!dir) throw new Error('SQLite sources are not available: LOCKSTEP_SQLITE_DIR is not set.')
  return {
    name: c.name,
    connectionId: c.id,
    engine: 'SQLITE',
    path: resolveSqlitePath(dir, c.filePath ?? ''),
    identity: `sqlite:${c.id}`,
  }
}
