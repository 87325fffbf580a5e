import type { Prisma, Tx } from '@/lib/db'
import type { StepKind } from '@/lib/generated/prisma/enums'
import { phaseChecksum, stepChecksum } from '@/lib/server/step-content'
import { conflict } from '@/lib/server/errors'
import { ACTIVE_RUN_STATES as ACTIVE_RUN } from '@/lib/domain/states/run'

// What a run of a phase executes: its steps that are not removed, in order. The same list is fixed on the
// run when it is queued (each step run keeps its step's text and configuration) and is what an approved
// window is approved for, so "what was approved" and "what runs" are one thing, compared by checksum.

type StepReader = Pick<Tx, 'step'>

export const RUN_STEPS = { where: { removedAt: null }, orderBy: { position: 'asc' } } as const

export type PhaseStep = {
  id: string
  name: string
  kind: StepKind
  body: string
  rollbackBody: string | null
  config: Prisma.JsonValue
}

/** The step run's copy of its step, as the run will execute it. */
export const snapshotOf = (step: PhaseStep, position: number) => ({
  stepId: step.id,
  position,
  name: step.name,
  kind: step.kind,
  body: step.body,
  rollbackBody: step.rollbackBody,
  config: step.config ?? {},
  checksum: stepChecksum(step),
})

/** The phaseChecksum of each phase, as an approved window keeps it ({ phaseId: checksum }). */
export async function contentOfPhases(client: StepReader, phaseIds: string[]): Promise<Record<string, string>> {
  const steps = await client.step.findMany({
    where: { ...RUN_STEPS.where, phaseId: { in: phaseIds } },
    orderBy: RUN_STEPS.orderBy,
  })
  return Object.fromEntries(phaseIds.map((id) => [id, phaseChecksum(steps.filter((s) => s.phaseId === id))]))
}

/** The windows a run is checked against: approved, not ended, with what each was approved for. */
export const SCOPED_WINDOWS = (now: Date) => ({
  where: { status: 'APPROVED' as const, endsAt: { gt: now } },
  include: { plan: { select: { title: true } }, phase: { select: { name: true } } },
})

/**
 * Refuses a change to a phase's steps while a run of the phase has not ended: the run executes what it
 * was queued with, and a person reading the phase must see that.
 */
export async function assertNoActiveRun(tx: Pick<Tx, 'run'>, phase: { id: string; name: string }): Promise<void> {
  const active = await tx.run.findFirst({
    where: { phaseId: phase.id, status: { in: [...ACTIVE_RUN] } },
    include: { environment: { select: { name: true } } },
  })
  if (active) {
    throw conflict(
      `A run of “${phase.name}” on “${active.environment.name}” is ${active.status.toLowerCase().replace('_', ' ')}; its steps cannot change until it ends. Cancel it, or wait for it to finish.`,
    )
  }
}
