import { randomUUID } from 'node:crypto'
import { createConnection, createEnvironment } from '@/lib/server/connections/commands'
import { ZConnection } from '@/lib/server/connections/schemas'
import { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZCreatePlan } from '@/lib/server/plans/schemas'
import { approveWindow, requestWindow } from '@/lib/server/windows/commands'
import { ZRequestWindow } from '@/lib/server/windows/schemas'
import type { UserActor } from '@/lib/server/actor'
import { makeUser } from './factories'
import { createFreshDatabase } from './fresh-database'

// A plan on an environment of its own with a source (a SQLite file in the SQLite directory, or a PostgreSQL
// URL) and a PostgreSQL target, made the way people make them: the engine tests' starting point.

export async function planWithConnections(o: {
  title: string
  source?: { sqlite: string } | { postgres: string }
  target: string
}) {
  const [admin, lead, dba] = await Promise.all([makeUser('ADMIN'), makeUser('LEAD'), makeUser('DBA')])
  const { id: environmentId } = await createEnvironment(admin, {
    name: `env-${randomUUID().slice(0, 8)}`,
    description: '',
    protected: false,
  })
  const connection = (fields: Record<string, unknown>) =>
    createConnection(admin, ZConnection.parse({ environmentId, ownServer: 'allow', ...fields }))
  const source = !o.source
    ? null
    : 'sqlite' in o.source
      ? await connection({ engine: 'SQLITE', name: 'source', role: 'SOURCE', filePath: o.source.sqlite })
      : await connection({
          engine: 'POSTGRES',
          name: 'source',
          role: 'SOURCE',
          url: `${o.source.postgres}?sslmode=disable`,
        })
  const target = await connection({
    engine: 'POSTGRES',
    name: 'target',
    role: 'TARGET',
    url: `${o.target}?sslmode=disable`,
  })
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: o.title }))
  await setPlanEnvironment(lead, {
    planId,
    environmentId,
    sourceConnectionId: source?.id ?? null,
    targetConnectionId: target.id,
  })
  return { admin, lead, dba, planId, environmentId, targetId: target.id }
}

type User = Awaited<ReturnType<typeof makeUser>>

/** An environment of its own (`label-…`) with a fresh database as its PostgreSQL target, added by `admin`. */
export async function environmentWithTarget(admin: User, label: string) {
  const url = await createFreshDatabase(`${label.replace(/[^a-z0-9_]/g, '_')}_target`, { migrate: false })
  const name = `${label}-${randomUUID().slice(0, 8)}`
  const { id: environmentId } = await createEnvironment(admin, { name, description: '', protected: false })
  const { id: connectionId } = await createConnection(
    admin,
    ZConnection.parse({
      environmentId,
      engine: 'POSTGRES',
      ownServer: 'allow',
      name: 'target',
      role: 'TARGET',
      url: `${url}?sslmode=disable`,
    }),
  )
  return { environmentId, connectionId, name, url }
}

/** A window open now for an hour on a (protected) environment, requested by `lead` and approved by `dba`; its id. */
export async function openWindowNow(
  lead: UserActor,
  dba: UserActor,
  o: { environmentId: string; environmentName: string; planId: string },
): Promise<string> {
  const window = await requestWindow(
    lead,
    ZRequestWindow.parse({
      environmentId: o.environmentId,
      planId: o.planId,
      reason: 'go',
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    }),
  )
  await approveWindow(dba, { windowId: window.id, note: '', confirm: o.environmentName })
  return window.id
}
