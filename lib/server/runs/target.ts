import { db } from '@/lib/db'
import { postgresTargetOf } from '@/lib/server/connections/secrets'
import type { PostgresTarget } from '@/lib/targets/postgres'

/** The plan's PostgreSQL target connection on an environment, password decrypted, or null when it has none. */
export async function planTargetOf(planId: string, environmentId: string): Promise<(PostgresTarget & { name: string }) | null> {
  const mapping = await db.planEnvironment.findUnique({ where: { planId_environmentId: { planId, environmentId } }, include: { targetConnection: true } })
  const c = mapping?.targetConnection
  if (!c || c.engine !== 'POSTGRES') return null
  return { name: c.name, ...postgresTargetOf(c) }
}
