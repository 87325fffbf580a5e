import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { ZAddPhase } from '@/lib/server/plans/schemas'
import { ZAddSyncStep } from '@/lib/server/plans/sync-schemas'
import { addSyncStep } from '@/lib/server/plans/sync-steps'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { planWithConnections } from '@/lib/testing/plan-setup'
import { endSyncByPerson } from './commands'
import { listSyncs } from './queries'
import { ZEndSync } from './schemas'

// Ending a sync without a cutover: a DBA's decision, typed out, audited once; nobody else's, and only while it
// follows. Stakeholders read a sync's figures but never the follower's error text.

describe('ending a sync by hand', () => {
  it('is a DBA’s typed decision, audited, refused to the other roles and once it has ended', async () => {
    const url = await createFreshDatabase('end_sync', { migrate: false })
    const { lead, dba, planId, environmentId } = await planWithConnections({ title: 'End a sync', target: url })
    const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Keep in sync' }))
    const { id: stepId } = await addSyncStep(
      lead,
      ZAddSyncStep.parse({ phaseId, name: 'Sync', tables: '', mode: 'create' }),
    )
    const sync = await db.sync.create({
      data: {
        planId,
        stepId,
        environmentId,
        status: 'FOLLOWING',
        engine: 'SQLITE',
        source: 'app.db',
        target: 'target',
        scope: {},
        error: 'lost the connection to 10.0.0.7:5432 as "app"',
      },
    })
    const stakeholder = await makeUser('STAKEHOLDER')
    const [seen] = await listSyncs(stakeholder, { planId })
    expect([seen?.status, seen?.canEnd, seen?.error]).toEqual([
      'FOLLOWING',
      false,
      'The follower recorded a problem; editors can read it.',
    ])
    expect((await listSyncs(dba, { planId }))[0]?.canEnd).toBe(true)

    expect(ZEndSync.safeParse({ syncId: sync.id, confirm: 'end it' }).success).toBe(false)
    const input = ZEndSync.parse({ syncId: sync.id, confirm: ' End Sync ' })
    for (const actor of [stakeholder, lead])
      await expect(endSyncByPerson(actor, input)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    expect((await db.sync.findUniqueOrThrow({ where: { id: sync.id } })).status).toBe('FOLLOWING')

    await endSyncByPerson(dba, input)
    const ended = await db.sync.findUniqueOrThrow({ where: { id: sync.id } })
    expect([ended.status, ended.endedById, ended.sourceCleanedAt]).toEqual(['ENDED', dba.id, null])
    expect((await auditEventsFor(sync.id)).map((e) => e.action)).toEqual(['sync.end'])
    await expect(endSyncByPerson(dba, input)).rejects.toMatchObject({ code: 'CONFLICT' })
  })
})
