import 'server-only'
import { db } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { can } from '@/lib/auth/permissions'

export type ConnectionDTO = {
  id: string
  name: string
  engine: 'POSTGRES' | 'SQLITE'
  role: 'SOURCE' | 'TARGET'
  /** How the connection reads, with the password masked: "app@db.internal:5432/orders" or a file. */
  display: string
  host: string | null
  port: number | null
  database: string | null
  username: string | null
  sslMode: string | null
  filePath: string | null
  hasPassword: boolean
  /** An admin allowed it to reach Lockstep's own database server. */
  ownServerAllowed: boolean
}

export type EnvironmentDTO = {
  id: string
  name: string
  description: string
  protected: boolean
  /** What runs on it require while it is protected (lib/server/runs/safeguards.ts). */
  requireRehearsal: boolean
  requireBackupHours: number | null
  connections: ConnectionDTO[]
}

/**
 * Editors see environments with their connections (never a secret: only whether one is set);
 * stakeholders see the environments alone.
 */
export async function listEnvironments(actor: UserActor): Promise<EnvironmentDTO[]> {
  assertCan(actor, 'window:read')
  const details = can(actor.role, 'connection:read')
  const rows = await db.environment.findMany({
    orderBy: { name: 'asc' },
    include: { connections: { orderBy: { name: 'asc' } } },
  })
  return rows.map((env) => ({
    id: env.id,
    name: env.name,
    description: env.description,
    protected: env.protected,
    requireRehearsal: env.requireRehearsal,
    requireBackupHours: env.requireBackupHours,
    connections: (details ? env.connections : []).map((c) => ({
      id: c.id,
      name: c.name,
      engine: c.engine,
      role: c.role,
      display:
        c.engine === 'SQLITE'
          ? `sqlite:${c.filePath}`
          : `${c.username}${c.secret ? ':••••••' : ''}@${c.host}:${c.port}/${c.database}`,
      host: c.host,
      port: c.port,
      database: c.database,
      username: c.username,
      sslMode: c.sslMode,
      filePath: c.filePath,
      hasPassword: c.secret !== null,
      ownServerAllowed: c.ownServerAllowed,
    })),
  }))
}
