import 'server-only'
import { db } from '@/lib/db'
import { appEnv } from '@/lib/env'
import type { UserActor } from '@/lib/server/actor'

export type SystemStatusDTO = { workers: { online: number; lastSeenAt: string | null } }

/** Any signed-in user; says only whether workers are alive. */
export async function getSystemStatus(actor: UserActor): Promise<SystemStatusDTO> {
  void actor
  // A worker that missed three heartbeats is considered gone.
  const since = new Date(Date.now() - 3 * appEnv().WORKER_HEARTBEAT_MS)
  const [online, latest] = await Promise.all([
    db.workerHeartbeat.count({ where: { lastSeenAt: { gte: since } } }),
    db.workerHeartbeat.findFirst({ orderBy: { lastSeenAt: 'desc' }, select: { lastSeenAt: true } }),
  ])
  return { workers: { online, lastSeenAt: latest?.lastSeenAt.toISOString() ?? null } }
}
