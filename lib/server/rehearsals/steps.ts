import type { Tx } from '@/lib/db'
import type { RehearsalStep } from '@/lib/domain/rehearsal'

// What a rehearsal of a phase covers, in one place for the request, the worker and the "current" flag: its
// SQL steps that a run would execute (not removed, no longer drafts), in run order. The checksum of these
// is what a rehearsal is current for.

export const REHEARSED_STEPS = {
  where: { kind: 'SQL', removedAt: null, isDraft: false },
  orderBy: { position: 'asc' },
  select: { name: true, body: true, rollbackBody: true },
} as const

type StepReader = Pick<Tx, 'step'>

export function rehearsedStepsOf(client: StepReader, phaseId: string): Promise<RehearsalStep[]> {
  return client.step.findMany({ ...REHEARSED_STEPS, where: { ...REHEARSED_STEPS.where, phaseId } })
}
