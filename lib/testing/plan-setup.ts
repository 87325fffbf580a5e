import { randomUUID } from 'node:crypto'
import { createConnection, createEnvironment } from '@/lib/server/connections/commands'
import { ZConnection } from '@/lib/server/connections/schemas'
import { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZCreatePlan } from '@/lib/server/plans/schemas'
import { makeUser } from './factories'

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
