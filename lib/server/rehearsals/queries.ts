import 'server-only'
import { db } from '@/lib/db'
import { describeDifference, parseRehearsalDifferences } from '@/lib/domain/rehearsal'
import { rehearsalChecksum } from '@/lib/targets/sql/history'
import type { RehearsalStatus } from '@/lib/generated/prisma/enums'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'
import { REHEARSED_STEPS } from './steps'

// Reading rollback rehearsals: per phase, the latest finished one on each environment, and whether it
// still covers the phase's scripts as they are now.

export type PhaseRehearsalDTO = {
  id: string
  phaseId: string
  environmentId: string
  environmentName: string
  status: Exclude<RehearsalStatus, 'QUEUED' | 'RUNNING'>
  finishedAt: string
  checksum: string | null
  /** The checksum is that of the phase's SQL steps now: no script was edited, added or removed since. */
  current: boolean
  /** One line per difference, the rollback's first, then the second up's. */
  differences: string[]
  error: string | null
}

const FINISHED = ['IDENTICAL', 'DIFFERENT', 'FAILED'] as const

function differenceLines(stored: unknown, rehearsalId: string): string[] {
  const { rollback, repeat } = parseRehearsalDifferences(stored, rehearsalId) ?? {}
  return [
    ...(rollback?.differences ?? []).map((d) => describeDifference(d, 'rollback')),
    ...(repeat?.differences ?? []).map((d) => describeDifference(d, 'repeat')),
  ]
}

/** Every role that reads plans: the latest finished rehearsal per phase and environment of a plan. */
export async function listPhaseRehearsals(actor: UserActor, planId: string): Promise<PhaseRehearsalDTO[]> {
  assertCan(actor, 'plan:read')
  if (!ZId.safeParse(planId).success) throw notFound('Plan')
  const plan = await db.plan.findUnique({
    where: { id: planId },
    select: { phases: { orderBy: { position: 'asc' }, select: { id: true, steps: REHEARSED_STEPS } } },
  })
  if (!plan) throw notFound('Plan')
  const rows = await db.rollbackRehearsal.findMany({
    where: { planId, status: { in: [...FINISHED] } },
    orderBy: [{ finishedAt: 'desc' }, { id: 'desc' }],
    distinct: ['phaseId', 'environmentId'],
    select: {
      id: true,
      phaseId: true,
      environmentId: true,
      environment: { select: { name: true } },
      status: true,
      finishedAt: true,
      checksum: true,
      differences: true,
      error: true,
    },
  })
  const checksums = new Map(plan.phases.map((p) => [p.id, rehearsalChecksum(p.steps)]))
  const order = new Map(plan.phases.map((p, i) => [p.id, i]))
  return rows
    .flatMap((r) => {
      if (r.status === 'QUEUED' || r.status === 'RUNNING' || !r.finishedAt) return []
      return [
        {
          id: r.id,
          phaseId: r.phaseId,
          environmentId: r.environmentId,
          environmentName: r.environment.name,
          status: r.status,
          finishedAt: r.finishedAt.toISOString(),
          checksum: r.checksum,
          current: r.checksum !== null && r.checksum === checksums.get(r.phaseId),
          differences: differenceLines(r.differences, r.id),
          error: r.error,
        },
      ]
    })
    .sort(
      (a, b) =>
        (order.get(a.phaseId) ?? 0) - (order.get(b.phaseId) ?? 0) || a.environmentName.localeCompare(b.environmentName),
    )
}

export type PendingRehearsalDTO = {
  id: string
  phaseId: string
  environmentName: string
  status: 'QUEUED' | 'RUNNING'
  createdAt: string
}

/** Every role that reads plans: the plan's rehearsals that are queued or running, oldest first. */
export async function listPendingRehearsals(actor: UserActor, planId: string): Promise<PendingRehearsalDTO[]> {
  assertCan(actor, 'plan:read')
  if (!ZId.safeParse(planId).success) throw notFound('Plan')
  const rows = await db.rollbackRehearsal.findMany({
    where: { planId, status: { in: ['QUEUED', 'RUNNING'] } },
    orderBy: { createdAt: 'asc' },
    select: { id: true, phaseId: true, environment: { select: { name: true } }, status: true, createdAt: true },
  })
  return rows.flatMap((r) =>
    r.status === 'QUEUED' || r.status === 'RUNNING'
      ? [
          {
            id: r.id,
            phaseId: r.phaseId,
            environmentName: r.environment.name,
            status: r.status,
            createdAt: r.createdAt.toISOString(),
          },
        ]
      : [],
  )
}

/** No authorization (for rules whose callers already authorized): an IDENTICAL rehearsal of exactly these scripts exists. */
export async function hasCurrentRehearsal(planId: string, phaseId: string, checksum: string): Promise<boolean> {
  return (await db.rollbackRehearsal.count({ where: { planId, phaseId, checksum, status: 'IDENTICAL' } })) > 0
}
