import 'server-only'
import { db, type Tx } from '@/lib/db'
import { markApplied, markRolledBack } from '@/lib/targets/sql/history'
import { withTargetSession } from '@/lib/targets/sql/session'
import { manualConfigOf } from '@/lib/domain/step-kinds'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCanInTx } from '@/lib/server/authorize'
import { conflict, DomainError, notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'
import { mayStartRun } from '@/lib/server/windows/rules'
import { describePostgresError } from '@/lib/targets/postgres'
import { logRun } from './commands'
import { assertNoOtherActiveRun, oneActiveRun } from './active'
import { SCOPED_WINDOWS } from './content'
import { planTargetOf } from './target'
import { transitionRun, transitionStepRun, transitionStepRunsOf } from './transition'

// The guided ways out of a stopped run: release a manual gate, and a DBA's decisions on a failed run –
// retry the failed step, mark it applied (finished by hand), or mark the run rolled back (undone by hand).
// Rolling back with the scripts is rollbackRun in commands.ts. Each decision is audited.

const describeStatus = (status: string) => status.toLowerCase().replace('_', ' ')

/** Locks the run row and returns it with what a decision needs; throws when it is not in one of `states`. */
async function lockRun(tx: Tx, runId: string, states: string[], what: string) {
  if (!ZId.safeParse(runId).success) throw notFound('Run')
  await tx.$queryRaw`SELECT "id" FROM "Run" WHERE "id" = ${runId}::uuid FOR UPDATE`
  const run = await tx.run.findUnique({
    where: { id: runId },
    include: {
      environment: { include: { windows: SCOPED_WINDOWS(new Date()) } },
      steps: { orderBy: { position: 'asc' } },
      phase: { select: { id: true, name: true } },
    },
  })
  if (!run) throw notFound('Run')
  if (!states.includes(run.status)) throw conflict(`${what} This run is ${describeStatus(run.status)}.`)
  return run
}

/** A run may only go on inside its environment's rules (the worker checks again before each step). */
function assertMayContinue(run: Awaited<ReturnType<typeof lockRun>>, now: Date) {
  const permission = mayStartRun(run.environment, run.environment.windows, now, {
    planId: run.planId,
    phaseId: run.phaseId,
    phaseName: run.phase.name,
    contentChecksum: run.contentChecksum,
  })
  if (!permission.allowed) throw conflict(permission.reason)
}

/** A failed run goes on only while no other run of its phase is active on its environment (one target, one run). */
const assertAlone = (tx: Tx, run: Awaited<ReturnType<typeof lockRun>>, then: string) =>
  assertNoOtherActiveRun(
    tx,
    {
      phaseId: run.phaseId,
      environmentId: run.environmentId,
      phaseName: run.phase.name,
      environmentName: run.environment.name,
    },
    then,
    run.id,
  )

const RETRY_LATER = '; retry this one once it has ended'
const GO_ON_LATER = '; mark this one’s step applied once it has ended'

/** Leads and DBAs (DBAs only on protected environments): a run waiting at a manual gate goes on. */
export async function releaseGate(actor: UserActor, runId: string, now = new Date()): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'run:start')
    const run = await lockRun(tx, runId, ['WAITING'], 'Only a run waiting at a gate can be released.')
    if (run.environment.protected) {
      await assertCanInTx(tx, actor, 'run:start-protected').catch(() => {
        throw new DomainError(
          'FORBIDDEN',
          `Only a DBA can release gates on the protected environment “${run.environment.name}”.`,
        )
      })
    }
    assertMayContinue(run, now)
    const gate = run.steps.find((s) => s.status === 'WAITING')
    if (!gate) throw conflict('This run is not waiting at a gate.')
    if (manualConfigOf(gate.config).requireChecklist) {
      const open = await tx.checklistItem.findMany({
        where: { phaseId: run.phaseId, isRequired: true, doneAt: null },
        orderBy: { position: 'asc' },
        select: { text: true },
      })
      if (open.length > 0) {
        const names = open
          .slice(0, 3)
          .map((i) => `“${i.text}”`)
          .join(', ')
        throw conflict(
          `This gate needs the phase's required checklist items done first; ${open.length} ${open.length === 1 ? 'is' : 'are'} still open: ${names}${open.length > 3 ? '…' : ''}.`,
        )
      }
    }
    await transitionStepRun(tx, gate.id, 'WAITING', 'SUCCEEDED', { finishedAt: now })
    await transitionRun(tx, run.id, 'WAITING', 'QUEUED')
    await logRun(tx, run.id, 'info', `Gate “${gate.name}” released by ${actor.name}; the run goes on.`)
    await recordAudit(tx, actor, {
      action: 'run.gate.release',
      entityType: 'Run',
      entityId: run.id,
      planId: run.planId,
      after: { gate: gate.name },
    })
    return { id: run.id }
  })
}

/** DBAs: the failed step runs again (a non-transactional script from its first unapplied statement). */
export async function retryRun(actor: UserActor, runId: string, now = new Date()): Promise<{ id: string }> {
  return oneActiveRun({ runId }, RETRY_LATER, () =>
    db.$transaction(async (tx) => {
      await assertCanInTx(tx, actor, 'run:resolve')
      const run = await lockRun(tx, runId, ['FAILED'], 'Only a failed run can be retried.')
      assertMayContinue(run, now)
      await assertAlone(tx, run, RETRY_LATER)
      await transitionRun(tx, run.id, 'FAILED', 'QUEUED', {
        retryFailed: true,
        error: null,
        finishedAt: null,
        workerId: null,
        cancelRequested: false,
      })
      await logRun(tx, run.id, 'warn', `Retry requested by ${actor.name}: the run goes on from its failed step.`)
      await recordAudit(tx, actor, {
        action: 'run.retry',
        entityType: 'Run',
        entityId: run.id,
        planId: run.planId,
        before: { status: run.status, error: run.error },
      })
      return { id: run.id }
    }),
  )
}

type Decision = { runId: string; note: string }

/** Whether the run has steps to go on with after `step`: marking it applied queues the run again. */
const hasStepsAfter = (run: { steps: { position: number; status: string }[] }, step: { position: number }) =>
  run.steps.some((s) => s.position > step.position && s.status !== 'SUCCEEDED' && s.status !== 'SKIPPED')

/** Records a decision in the target's history table; a target that cannot be reached changes nothing. */
async function onTarget(planId: string, environmentId: string, fn: Parameters<typeof withTargetSession>[2]) {
  const target = await planTargetOf(planId, environmentId)
  if (!target)
    throw conflict('The plan has no PostgreSQL target connection on this environment to record the decision in.')
  try {
    await withTargetSession(target, { lockWaitMs: 5_000, applicationName: 'lockstep decision' }, fn)
  } catch (error) {
    if (error instanceof DomainError) throw error
    const message =
      error instanceof Error && error.name === 'ApplyRefused'
        ? error.message
        : describePostgresError(error, target).message
    throw conflict(`Nothing was changed: the target could not record the decision. ${message}`)
  }
}

/**
 * DBAs: the failed step's script was finished by hand. The target's history records it applied (its
 * checksum the step's), and the run goes on with its next steps – or succeeds when there are none.
 */
export async function markRunApplied(actor: UserActor, input: Decision, now = new Date()): Promise<{ id: string }> {
  const check = await db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'run:resolve')
    const run = await lockRun(tx, input.runId, ['FAILED'], 'Only a failed run’s step can be marked applied.')
    const failed = run.steps.find((s) => s.status === 'FAILED')
    if (!failed || failed.kind !== 'SQL') throw conflict('This run has no failed SQL step to mark applied.')
    if (hasStepsAfter(run, failed)) await assertAlone(tx, run, GO_ON_LATER)
    return { run, failed }
  })
  const { run, failed } = check
  await onTarget(run.planId, run.environmentId, (session) =>
    markApplied(session, { version: `step-${failed.stepId}`, description: failed.name, sql: failed.body }, actor.email),
  )
  return oneActiveRun({ runId: run.id }, GO_ON_LATER, () =>
    db.$transaction(async (tx) => {
      const again = await lockRun(tx, run.id, ['FAILED'], 'The run changed meanwhile; nothing more was done.')
      const more = hasStepsAfter(again, failed)
      if (more) await assertAlone(tx, again, GO_ON_LATER)
      await transitionStepRun(tx, failed.id, 'FAILED', 'SUCCEEDED', {
        statementsApplied: failed.statementsTotal,
        finishedAt: now,
      })
      if (more) await transitionRun(tx, run.id, 'FAILED', 'QUEUED', { error: null, finishedAt: null, workerId: null })
      else await transitionRun(tx, run.id, 'FAILED', 'SUCCEEDED', { error: null, finishedAt: now })
      await logRun(
        tx,
        run.id,
        'warn',
        `${actor.name} marked “${failed.name}” applied by hand: ${input.note}${more ? ' The run goes on with its next steps.' : ''}`,
      )
      await recordAudit(tx, actor, {
        action: 'run.mark-applied',
        entityType: 'Run',
        entityId: run.id,
        planId: run.planId,
        before: { status: run.status, error: run.error },
        after: { step: failed.name, note: input.note },
      })
      return { id: run.id }
    }),
  )
}

/**
 * DBAs: everything the run changed was undone by hand. The target's history records each of its SQL
 * steps rolled back (so they may run again), and the run ends ROLLED_BACK.
 */
export async function markRunRolledBack(actor: UserActor, input: Decision, now = new Date()): Promise<{ id: string }> {
  const run = await db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'run:resolve')
    return lockRun(
      tx,
      input.runId,
      ['FAILED', 'ROLLBACK_FAILED', 'CANCELLED'],
      'Only a failed or cancelled run can be marked rolled back.',
    )
  })
  const touched = run.steps.filter((s) => s.kind === 'SQL' && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(s.status))
  if (touched.length > 0 && !run.dryRun) {
    await onTarget(run.planId, run.environmentId, async (session) => {
      for (const s of touched) await markRolledBack(session, `step-${s.stepId}`)
    })
  }
  return db.$transaction(async (tx) => {
    await lockRun(tx, run.id, [run.status], 'The run changed meanwhile; nothing more was done.')
    await transitionStepRunsOf(
      tx,
      { ids: touched.map((s) => s.id) },
      ['SUCCEEDED', 'FAILED', 'CANCELLED'],
      'ROLLED_BACK',
    )
    await transitionRun(tx, run.id, run.status, 'ROLLED_BACK', { error: null, finishedAt: now, workerId: null })
    await logRun(tx, run.id, 'warn', `${actor.name} marked the run rolled back by hand: ${input.note}`)
    await recordAudit(tx, actor, {
      action: 'run.mark-rolled-back',
      entityType: 'Run',
      entityId: run.id,
      planId: run.planId,
      before: { status: run.status, error: run.error },
      after: { note: input.note, steps: touched.map((s) => s.name) },
    })
    return { id: run.id }
  })
}
