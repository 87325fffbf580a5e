import 'server-only'
import { db, type Tx } from '@/lib/db'
import { can } from '@/lib/auth/permissions'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCanInTx } from '@/lib/server/authorize'
import { conflict, DomainError, notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'
import { mayStartRun } from '@/lib/server/windows/rules'
import { KIND_NAMES, RUNNABLE_KINDS } from '@/lib/domain/step-kinds'
import { phaseChecksum, scriptsChecksum } from '@/lib/server/step-content'
import { hasSomethingToUndo } from '@/lib/domain/undo'
import { RUN_STEPS, SCOPED_WINDOWS, snapshotOf } from './content'
import { parseLintReport } from '@/lib/domain/lint-report'
import { StoredDataError } from '@/lib/domain/stored-json'
import { checkStartSafeguards } from './safeguards'
import { checkPromotion } from './promotion'
import { assertNoOtherActiveRun, oneActiveRun } from './active'
import { transitionRun, transitionStepRunsOf } from './transition'
import { assertRecentSecondFactorInTx, reauthenticate } from '@/lib/server/users/reauthenticate'

// Starting and cancelling runs. Nothing executes in the request: the run is queued in the same
// transaction that checks who may start it and where, and a worker claims it (lib/engine/runs.ts).

/** A step's stored lint for the protected-run gate: one that cannot be read blocks the run like a missing one. */
function lintForGate(step: { name: string; lint: unknown }, environmentName: string) {
  try {
    return parseLintReport(step.lint, step.name)
  } catch (error) {
    if (!(error instanceof StoredDataError)) throw error
    throw conflict(
      `${error.message} Open the step and save it once to lint it again before it runs on “${environmentName}”.`,
    )
  }
}

export type TStartRun = {
  planId: string
  phaseId: string
  environmentId: string
  dryRun: boolean
  code?: string
  /** A DBA's written reason to start this one run although promotion refuses it. */
  promotionOverrideReason?: string | null
}

/** Adds a line to a run's log, in the caller's transaction. */
export const logRun = (tx: Tx, runId: string, level: 'info' | 'warn' | 'error', message: string) =>
  tx.runEvent.create({ data: { runId, level, message } })

/**
 * Leads and DBAs queue a run of a phase on an environment; on a protected environment only a DBA, with a
 * fresh second factor, inside an approved, active window for this plan and phase that was approved for
 * exactly these steps – a dry run too, since it executes the scripts. A real run also needs promotion: the same
 * content succeeded on the previous environment of the plan's order, unless a DBA gives a reason for this one run.
 * The run fixes each step's text and configuration as they are now; the worker executes that and checks the
 * window again before each step.
 */
export async function startRun(actor: UserActor, input: TStartRun, now = new Date()): Promise<{ id: string }> {
  for (const id of [input.planId, input.phaseId, input.environmentId])
    if (!ZId.safeParse(id).success) throw notFound('Plan, phase or environment')
  if (input.code) await reauthenticate(actor, input.code, now.getTime())
  return oneActiveRun(input, '', () =>
    db.$transaction(async (tx) => {
      await assertCanInTx(tx, actor, 'run:start')
      // Edits of the plan's steps take this lock too (editPlan): the steps read below are the ones queued.
      const locked = await tx.$queryRaw<
        { id: string }[]
      >`SELECT "id" FROM "Plan" WHERE "id" = ${input.planId}::uuid FOR UPDATE`
      if (locked.length === 0) throw notFound('Phase')
      const environment = await tx.environment.findUnique({
        where: { id: input.environmentId },
        include: { windows: SCOPED_WINDOWS(now) },
      })
      if (!environment) throw notFound('Environment')
      const phase = await tx.phase.findFirst({
        where: { id: input.phaseId, planId: input.planId },
        include: { plan: true, steps: RUN_STEPS },
      })
      if (!phase) throw notFound('Phase')
      const contentChecksum = phaseChecksum(phase.steps)
      if (environment.protected) {
        await assertCanInTx(tx, actor, 'run:start-protected').catch(() => {
          throw new DomainError(
            'FORBIDDEN',
            `Only a DBA can start runs on the protected environment “${environment.name}”.`,
          )
        })
        const permission = mayStartRun(environment, environment.windows, now, {
          planId: phase.planId,
          phaseId: phase.id,
          phaseName: phase.name,
          contentChecksum,
        })
        if (!permission.allowed) throw conflict(permission.reason)
      }
      if (phase.plan.status === 'ARCHIVED') throw conflict('This plan is archived; restore it to run it.')
      const mapping = await tx.planEnvironment.findUnique({
        where: { planId_environmentId: { planId: phase.planId, environmentId: environment.id } },
      })
      if (!mapping?.targetConnectionId)
        throw conflict(
          `Choose the target connection of “${environment.name}” for this plan first (plan page → Environments).`,
        )
      if (phase.steps.length === 0) throw conflict(`“${phase.name}” has no steps to run.`)
      const draft = phase.steps.find((s) => s.isDraft)
      if (draft) throw conflict(`The step “${draft.name}” is a draft; review it and mark it ready before running it.`)
      const unsupported = phase.steps.find((s) => !RUNNABLE_KINDS.includes(s.kind))
      if (unsupported)
        throw conflict(
          `The step “${unsupported.name}” is a ${KIND_NAMES[unsupported.kind]} step, which this version of Lockstep cannot run yet.`,
        )
      const copy = phase.steps.find((s) => s.kind === 'COPY' || s.kind === 'VALIDATE')
      if (copy && !mapping.sourceConnectionId)
        throw conflict(
          `The ${KIND_NAMES[copy.kind]} step “${copy.name}” needs the source connection of “${environment.name}” for this plan; choose it first (plan page → Environments).`,
        )
      if (environment.protected) {
        // Error-level lint findings block protected runs unless a DBA accepted them, for exactly these scripts, with a written reason.
        for (const step of phase.steps.filter((s) => s.kind === 'SQL')) {
          if (step.lintOverrideReason && step.lintOverrideChecksum === scriptsChecksum(step)) continue
          const lint = lintForGate(step, environment.name)
          if (!lint)
            throw conflict(
              `The step “${step.name}” has not been linted; open it and save it once before running it on “${environment.name}”.`,
            )
          if (lint.errors > 0)
            throw conflict(
              `The step “${step.name}” has ${lint.errors} error-level lint finding${lint.errors === 1 ? '' : 's'}; fix the script, or a DBA accepts ${lint.errors === 1 ? 'it' : 'them'} with a written reason, before it runs on “${environment.name}”.`,
            )
        }
      }
      const target = await tx.connection.findUniqueOrThrow({
        where: { id: mapping.targetConnectionId },
        select: { id: true, name: true },
      })
      const guards = await checkStartSafeguards(tx, {
        environment,
        phase,
        target: { connectionId: target.id, name: target.name },
        now,
      })
      if (!guards.ok) throw conflict(guards.reason)
      await assertNoOtherActiveRun(tx, {
        phaseId: phase.id,
        environmentId: environment.id,
        phaseName: phase.name,
        environmentName: environment.name,
      })
      // A dry run changes nothing, so it needs no promotion (and proves none).
      const override = input.dryRun
        ? null
        : await promotionOverrideOf(tx, actor, { phase, environment, contentChecksum }, input.promotionOverrideReason)
      // A dry run executes the scripts too (and takes their locks): on production it needs a fresh proof of presence like a real one.
      if (environment.protected)
        await assertRecentSecondFactorInTx(
          tx,
          actor,
          `start a ${input.dryRun ? 'dry run' : 'run'} on “${environment.name}”`,
          now.getTime(),
        )
      const run = await tx.run.create({
        data: {
          planId: phase.planId,
          phaseId: phase.id,
          environmentId: environment.id,
          dryRun: input.dryRun,
          requestedById: actor.id,
          rehearsalId: guards.rehearsalId,
          contentChecksum,
          promotionOverrideReason: override?.reason ?? null,
          promotionSkippedEnvironment: override?.previous ?? null,
          steps: { create: phase.steps.map((step, position) => snapshotOf(step, position)) },
        },
      })
      await logRun(
        tx,
        run.id,
        'info',
        `${input.dryRun ? 'Dry run' : 'Run'} of “${phase.name}” on “${environment.name}” queued by ${actor.name}.`,
      )
      await recordAudit(tx, actor, {
        action: 'run.start',
        entityType: 'Run',
        entityId: run.id,
        planId: phase.planId,
        after: { phase: phase.name, environment: environment.name, dryRun: input.dryRun, contentChecksum },
      })
      if (override) {
        await logRun(tx, run.id, 'warn', `Promoted without “${override.previous}” by ${actor.name}: ${override.reason}`)
        await recordAudit(tx, actor, {
          action: 'run.overridePromotion',
          entityType: 'Run',
          entityId: run.id,
          planId: phase.planId,
          after: {
            phase: phase.name,
            environment: environment.name,
            skipped: override.previous,
            reason: override.reason,
            refusal: override.refusal,
            contentChecksum,
          },
        })
      }
      // A plan whose work has begun is no longer a draft (a dry run changes nothing, so it leaves the plan as it is).
      if (!input.dryRun && phase.plan.status === 'DRAFT') {
        await tx.plan.update({ where: { id: phase.planId }, data: { status: 'ACTIVE' } })
        await recordAudit(tx, actor, {
          action: 'plan.activate',
          entityType: 'Plan',
          entityId: phase.planId,
          planId: phase.planId,
          before: { status: 'DRAFT' },
          after: { status: 'ACTIVE', because: `a run of “${phase.name}” on “${environment.name}” started` },
        })
      }
      return { id: run.id }
    }),
  )
}

/**
 * The promotion rule for a run about to be queued: null when the phase's content succeeded on the previous
 * environment (or this is the first); a DBA's override – role re-read in the transaction – when it did not and
 * they gave a reason; otherwise the refusal.
 */
async function promotionOverrideOf(
  tx: Tx,
  actor: UserActor,
  target: {
    phase: { id: string; name: string; planId: string }
    environment: { id: string; name: string }
    contentChecksum: string
  },
  reason: string | null | undefined,
): Promise<{ previous: string; reason: string; refusal: string } | null> {
  const check = await checkPromotion(tx, { planId: target.phase.planId, ...target })
  if (check.ok) return null
  if (!reason) throw new DomainError('CONFLICT', check.reason, { promotionOverrideReason: [check.reason] })
  await assertCanInTx(tx, actor, 'run:override-promotion').catch(() => {
    throw new DomainError(
      'FORBIDDEN',
      `Only a DBA can start “${target.phase.name}” on “${target.environment.name}” without promotion through “${check.previous}”.`,
    )
  })
  return { previous: check.previous, reason, refusal: check.reason }
}

const ROLLBACK_LATER = '; roll this one back once it has ended'

/** DBAs: a failed run's rollback scripts are queued for a worker to run, newest step first – only when some step has something to undo. */
export async function rollbackRun(actor: UserActor, runId: string): Promise<{ id: string }> {
  if (!ZId.safeParse(runId).success) throw notFound('Run')
  return oneActiveRun({ runId }, ROLLBACK_LATER, () =>
    db.$transaction(async (tx) => {
      await assertCanInTx(tx, actor, 'run:resolve')
      await tx.$queryRaw`SELECT "id" FROM "Run" WHERE "id" = ${runId}::uuid FOR UPDATE`
      const run = await tx.run.findUnique({
        where: { id: runId },
        include: { phase: { select: { name: true } }, environment: { select: { name: true } } },
      })
      if (!run) throw notFound('Run')
      if (run.status !== 'FAILED' && run.status !== 'ROLLBACK_FAILED' && run.status !== 'CANCELLED')
        throw conflict(
          `Only a failed or cancelled run can be rolled back; this one is ${run.status.toLowerCase().replace('_', ' ')}.`,
        )
      if (run.dryRun) throw conflict('A dry run changed nothing; there is nothing to roll back.')
      // Its rollback scripts would run beside another run of the phase on the same target.
      await assertNoOtherActiveRun(
        tx,
        {
          phaseId: run.phaseId,
          environmentId: run.environmentId,
          phaseName: run.phase.name,
          environmentName: run.environment.name,
        },
        ROLLBACK_LATER,
        run.id,
      )
      const steps = await tx.stepRun.findMany({
        where: { runId: run.id },
        select: { kind: true, status: true, statementsApplied: true, rollbackBody: true, detail: true },
      })
      if (!hasSomethingToUndo(steps))
        throw conflict(
          'No step of this run changed the target in a way a rollback undoes, so there is nothing to roll back. Retry the run, or mark it rolled back to close it.',
        )
      await transitionRun(tx, run.id, run.status, 'ROLLING_BACK', { workerId: null, error: null })
      await logRun(tx, run.id, 'warn', `Rollback requested by ${actor.name}.`)
      await recordAudit(tx, actor, {
        action: 'run.rollback',
        entityType: 'Run',
        entityId: run.id,
        planId: run.planId,
        before: { status: run.status },
      })
      return { id: run.id }
    }),
  )
}

/**
 * The requester or a DBA: a queued or waiting run is cancelled at once; a running one stops between
 * statements, and the worker cancels the statement running on the target (pg_cancel_backend).
 */
export async function cancelRun(actor: UserActor, runId: string): Promise<{ id: string }> {
  if (!ZId.safeParse(runId).success) throw notFound('Run')
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'run:start')
    await tx.$queryRaw`SELECT "id" FROM "Run" WHERE "id" = ${runId}::uuid FOR UPDATE`
    const run = await tx.run.findUnique({ where: { id: runId } })
    if (!run) throw notFound('Run')
    if (run.requestedById !== actor.id && !can(actor.role, 'run:resolve'))
      throw new DomainError('FORBIDDEN', 'Only the person who started the run, or a DBA, can cancel it.')
    if (run.status === 'QUEUED' || run.status === 'INTERRUPTED' || run.status === 'WAITING') {
      await transitionRun(tx, run.id, run.status, 'CANCELLED', { finishedAt: new Date() })
      await transitionStepRunsOf(tx, { runId: run.id }, ['PENDING', 'WAITING'], 'CANCELLED')
    } else if (run.status === 'RUNNING') {
      await tx.run.update({ where: { id: run.id }, data: { cancelRequested: true } })
    } else throw conflict(`This run is ${run.status.toLowerCase().replace('_', ' ')}; there is nothing to cancel.`)
    await logRun(tx, run.id, 'warn', `Cancel requested by ${actor.name}.`)
    await recordAudit(tx, actor, {
      action: 'run.cancel',
      entityType: 'Run',
      entityId: run.id,
      planId: run.planId,
      before: { status: run.status },
    })
    return { id: run.id }
  })
}
