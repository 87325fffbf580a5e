import { randomUUID } from 'node:crypto'
import { createConnection, createEnvironment } from '@/lib/server/connections/commands'
import { ZConnection } from '@/lib/server/connections/schemas'
import { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { ZAddPhase, ZAddSqlStep, ZCreatePlan } from '@/lib/server/plans/schemas'
import { addSqlStep } from '@/lib/server/plans/step-commands'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { makeUser } from '@/lib/testing/factories'
import { enrolled } from '@/lib/testing/api-tokens'

// For the /api/v1 integration tests: a plan with an open and a protected environment, each with a real
// PostgreSQL target, and people of every role (admins and DBAs with two-factor sign-in set up).

export async function apiFixture(label: string) {
  const [admin, lead, dba, approver, stakeholder] = await Promise.all([
    makeUser('ADMIN').then(enrolled),
    makeUser('LEAD'),
    makeUser('DBA').then(enrolled),
    makeUser('DBA').then(enrolled),
    makeUser('STAKEHOLDER'),
  ])
  const targetUrl = await createFreshDatabase(`${label}_target`, { migrate: false })
  const environment = async (protect: boolean) => {
    const name = `${label}-${protect ? 'prod' : 'stage'}-${randomUUID().slice(0, 6)}`
    const { id } = await createEnvironment(admin, { name, description: '', protected: protect })
    const { id: connectionId } = await createConnection(
      admin,
      ZConnection.parse({
        environmentId: id,
        engine: 'POSTGRES',
        ownServer: 'allow',
        name: 'target',
        role: 'TARGET',
        url: `${targetUrl}?sslmode=disable`,
      }),
    )
    return { id, name, connectionId }
  }
  const staging = await environment(false)
  const production = await environment(true)
  const { id: planId } = await createPlan(
    lead,
    ZCreatePlan.parse({ title: `API ${label} ${randomUUID().slice(0, 6)}` }),
  )
  for (const env of [staging, production])
    await setPlanEnvironment(lead, {
      planId,
      environmentId: env.id,
      sourceConnectionId: null,
      targetConnectionId: env.connectionId,
    })
  /** A phase of its own with one SQL step, so each test's runs do not meet another's. */
  const phase = async (name = `Phase ${randomUUID().slice(0, 6)}`) => {
    const { id } = await addPhase(lead, ZAddPhase.parse({ planId, name }))
    await addSqlStep(
      lead,
      ZAddSqlStep.parse({
        phaseId: id,
        name: 'Create t',
        body: 'CREATE TABLE t (id int);',
        rollbackBody: 'DROP TABLE t;',
      }),
    )
    return { id, name }
  }
  return { admin, lead, dba, approver, stakeholder, planId, staging, production, phase }
}
