import { randomUUID } from 'node:crypto'
import { driftBeforeRun, recordAfterRun } from './drift'
import { db, type Tx } from '@/lib/db'
import { saveCopyRejects } from '@/lib/server/runs/rejects'
import { notifyRunFailed } from '@/lib/server/notifications/run-failed'
import { emitRunEvent } from '@/lib/server/webhooks/payloads'
import { withoutServerPaths } from '@/lib/server/paths'
import { coveringNote, guardStep } from '@/lib/server/runs/safeguards'
import { planTargetOf } from '@/lib/server/runs/target'
import { mayStartRun } from '@/lib/server/windows/rules'
import { SCOPED_WINDOWS } from '@/lib/server/runs/content'
import {
  interruptStaleRuns,
  transitionRun,
  transitionStepRun,
  transitionStepRunsOf,
} from '@/lib/server/runs/transition'
import { StateConflict } from '@/lib/server/transition'
import { stepChecksum } from '@/lib/server/step-content'
import { shortId } from '@/lib/domain/short-id'
import { hasSomethingToUndo } from '@/lib/domain/undo'
import { Cancelled, withTargetSession, type TargetSession } from '@/lib/targets/sql/session'
import { RUNNERS } from './steps'
import { isStateStoreDown, StateStoreDown } from './state-outage'
import type { StepContext, StepProgress } from './steps/types'

// The worker's side of runs: claim one safely among several workers, execute its steps in order from the
// first unfinished one while holding the target's lock for the whole run, and write progress in short
// transactions of its own.

export type RunOutcome = 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'WAITING'

export { claimRollback, claimRun } from '@/lib/server/runs/transition'

/** Runs that a worker held when it stopped heartbeating become INTERRUPTED, to be claimed and resumed. */
export async function markInterrupted(staleAfterMs: number): Promise<number> {
  const rows = await interruptStaleRuns(staleAfterMs)
  for (const { id, status } of rows) {
    await event(
      id,
      'warn',
      status === 'INTERRUPTED'
        ? 'The worker running this stopped; the run is interrupted and resumes from its first unfinished step.'
        : 'The worker rolling this back stopped; another worker takes the rollback over.',
    )
  }
  return rows.length
}

const event = (runId: string, level: 'info' | 'warn' | 'error', message: string, client: Pick<Tx, 'runEvent'> = db) =>
  client.runEvent.create({ data: { runId, level, message } })

// The end of a run, its last log line and the notices of a failure commit together: nobody is told of a
// failure the run does not show, and no failed run goes untold.
async function finish(runId: string, status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED', failure: string | null = null) {
  // Whatever failed – a file, a tool, a step – people read it without the server's paths.
  const error = failure === null ? null : withoutServerPaths(failure)
  await db.$transaction(async (tx) => {
    await transitionRun(tx, runId, 'RUNNING', status, {
      error,
      finishedAt: new Date(),
      workerId: null,
      retryFailed: false,
    })
    await event(
      runId,
      status === 'SUCCEEDED' ? 'info' : 'error',
      status === 'SUCCEEDED' ? 'Run succeeded.' : status === 'CANCELLED' ? 'Run cancelled.' : `Run failed: ${error}`,
      tx,
    )
    if (status === 'FAILED') await notifyRunFailed(tx, runId, status, error)
    if (status !== 'CANCELLED') await emitRunEvent(tx, runId, status === 'SUCCEEDED' ? 'RUN_SUCCEEDED' : 'RUN_FAILED')
  })
  return status
}

/**
 * A failed step asked for the run's rollback (an observe step whose trigger fired): the run goes straight
 * from RUNNING to ROLLING_BACK in one write – no FAILED in between for a person to act on – when an
 * earlier step of this run changed the target with a way to undo it; otherwise it fails and a DBA decides.
 */
async function startRollback(runId: string, position: number, error: string): Promise<RunOutcome> {
  const ran = await db.stepRun.findMany({
    where: { runId, position: { lt: position }, status: 'SUCCEEDED' },
    select: { kind: true, status: true, statementsApplied: true, rollbackBody: true, detail: true },
  })
  if (!hasSomethingToUndo(ran)) {
    await event(
      runId,
      'warn',
      'The step asks for the rollback, but no earlier step of this run changed the target with a way to undo it: a DBA decides.',
    )
    return finish(runId, 'FAILED', error)
  }
  await db.$transaction(async (tx) => {
    await transitionRun(tx, runId, 'RUNNING', 'ROLLING_BACK', { workerId: null, error, retryFailed: false })
    await emitRunEvent(tx, runId, 'RUN_FAILED')
  })
  await event(runId, 'error', `${error} Rollback started, as the step asks when a rollback trigger fires.`)
  return 'FAILED'
}

/** Aborts when a person asks to cancel the run (polled; the request lands in the database). */
function watchCancel(runId: string): { signal: AbortSignal; stop: () => void } {
  const controller = new AbortController()
  const timer = setInterval(() => {
    db.run
      .findUnique({ where: { id: runId }, select: { cancelRequested: true } })
      .then((r) => r?.cancelRequested && controller.abort())
      .catch(() => undefined)
  }, 300)
  return { signal: controller.signal, stop: () => clearInterval(timer) }
}

// The step runs carry the steps as they were when the run was queued; that is what runs, not the step's current text.
const loadRun = (runId: string) =>
  db.run.findUniqueOrThrow({
    where: { id: runId },
    include: {
      steps: { orderBy: { position: 'asc' } },
      requestedBy: { select: { email: true } },
      phase: { select: { name: true } },
    },
  })

type LoadedRun = Awaited<ReturnType<typeof loadRun>>
type LoadedStepRun = LoadedRun['steps'][number]

const stepOf = (stepRun: LoadedStepRun): StepContext['step'] => ({
  id: stepRun.stepId,
  name: stepRun.name,
  kind: stepRun.kind,
  body: stepRun.body,
  rollbackBody: stepRun.rollbackBody,
  config: stepRun.config,
})

/** Step runs queued before their content was kept carry no checksum; every other one must still match it. */
const isIntact = (stepRun: LoadedStepRun) => stepRun.checksum === '' || stepChecksum(stepRun) === stepRun.checksum

const scriptsOf = (run: LoadedRun) =>
  run.steps.filter((s) => s.kind === 'SQL').map((s) => ({ name: s.name, body: s.body, rollbackBody: s.rollbackBody }))

/** What a step saw of Lockstep's own database failing under it (its progress could not be written). */
type StateWatch = { down: unknown }

/**
 * A step's log lines, written one after another in the order the step said them, without making the step wait
 * (a line that cannot be written never stops the run). `settled` waits for the lines said so far: the run's next
 * line – the next step, or how the run ended – comes after them.
 */
function stepLog(runId: string) {
  let last: Promise<void> = Promise.resolve()
  return {
    write: (level: 'info' | 'warn' | 'error', message: string) => {
      last = last.then(() => event(runId, level, message).then(() => undefined)).catch(() => undefined)
    },
    settled: () => last,
  }
}

function contextFor(
  run: LoadedRun,
  stepRun: LoadedStepRun,
  target: TargetSession | null,
  signal: AbortSignal,
  log: ReturnType<typeof stepLog>,
  state: StateWatch = { down: null },
): StepContext {
  const watched = async <T>(write: () => Promise<T>) =>
    write().catch((error: unknown) => {
      if (isStateStoreDown(error)) state.down = error
      throw error
    })
  return {
    runId: run.id,
    stepRunId: stepRun.id,
    planId: run.planId,
    environmentId: run.environmentId,
    step: stepOf(stepRun),
    earlierDetail: stepRun.detail,
    dryRun: run.dryRun,
    retryFailed: run.retryFailed && stepRun.status === 'FAILED',
    // Null only when another worker took the run over meanwhile (this one stops before its next step): its
    // claims on the copy's parts then name a holder of their own.
    workerId: run.workerId ?? randomUUID(),
    appliedBy: run.requestedBy.email,
    target,
    signal,
    log: log.write,
    progress: async (update: StepProgress) => {
      await watched(() => db.stepRun.update({ where: { id: stepRun.id }, data: update }))
    },
    saveRejects: async (copyId, rejects) => {
      await watched(() => saveCopyRejects(stepRun.id, copyId, rejects))
    },
  }
}

/** Opens the target with Lockstep's lock when a step needs it, for the whole of `fn`. */
async function withTargetIfNeeded<T>(
  run: LoadedRun,
  needed: boolean,
  signal: AbortSignal,
  fn: (target: TargetSession | null) => Promise<T>,
): Promise<T | 'NO_TARGET'> {
  if (!needed) return fn(null)
  const target = await planTargetOf(run.planId, run.environmentId)
  if (!target) return 'NO_TARGET'
  await event(run.id, 'info', `Connecting to ${target.name}.`)
  return withTargetSession(
    target,
    {
      signal,
      lockWaitMs: Number.POSITIVE_INFINITY,
      applicationName: `lockstep run ${shortId(run.id)}`,
      log: (e) => void event(run.id, e.level, e.message).catch(() => undefined),
    },
    fn,
  )
}

/** Executes a claimed run to its end, to the first failure, a cancel, a closed window, or a manual gate. */
export async function executeRun(runId: string, now: () => Date = () => new Date()): Promise<RunOutcome> {
  const run = await loadRun(runId)
  const resuming = run.steps.some((s) => s.status !== 'PENDING')
  await event(
    runId,
    'info',
    resuming ? 'Worker picked the run up; resuming from its first unfinished step.' : 'Worker picked the run up.',
  )
  const pending = run.steps.filter((s) => s.status !== 'SUCCEEDED' && s.status !== 'SKIPPED')
  const cancel = watchCancel(runId)
  try {
    const outcome = await withTargetIfNeeded(
      run,
      pending.some((s) => RUNNERS[s.kind].needsTarget),
      cancel.signal,
      async (target): Promise<RunOutcome> => {
        const runLog = (level: 'info' | 'warn', message: string) => event(runId, level, message)
        // Drift is looked for once, before the run's first step (not when it resumes after a gate or an interruption).
        if (target && !run.dryRun && !resuming) {
          const drifted = await driftBeforeRun(run, target.client, runLog)
          if (drifted) return finish(runId, 'FAILED', drifted)
        }
        for (const stepRun of pending) {
          const current = await db.run.findUniqueOrThrow({
            where: { id: runId },
            include: { environment: { include: { windows: SCOPED_WINDOWS(now()) } } },
          })
          // Another writer moved the run meanwhile (a stale worker's run interrupted and cancelled, or taken by
          // another worker): this worker no longer holds it and must not run another step of it.
          if (current.status !== 'RUNNING') throw new StateConflict('Run', runId, current.status, ['RUNNING'])
          if (current.cancelRequested) throw new Cancelled()
          // The window rule, again before each step: a window can close, be cancelled or be sent back for approval while a run waits.
          const permission = mayStartRun(current.environment, current.environment.windows, now(), {
            planId: run.planId,
            phaseId: run.phaseId,
            phaseName: run.phase.name,
            contentChecksum: run.contentChecksum,
          })
          if (!permission.allowed) return finish(runId, 'FAILED', permission.reason)
          const step = stepOf(stepRun)
          if (!isIntact(stepRun)) {
            const error = 'Its content no longer matches the checksum it was queued with; nothing of it ran.'
            await transitionStepRun(db, stepRun.id, stepRun.status, 'FAILED', { error, finishedAt: new Date() })
            return finish(runId, 'FAILED', `Step “${step.name}” was not started: ${error}`)
          }
          const guard = await guardStep(db, {
            run: { ...current, phaseName: run.phase.name },
            environment: current.environment,
            step,
            scripts: scriptsOf(run),
            now: now(),
          })
          if (!guard.ok) {
            await transitionStepRun(db, stepRun.id, stepRun.status, 'FAILED', {
              error: guard.error,
              finishedAt: new Date(),
            })
            return finish(runId, 'FAILED', `Step “${step.name}” was not started: ${guard.error}`)
          }
          if (guard.covering) {
            await db.run.update({ where: { id: runId }, data: { coveringBackupId: guard.covering.id } })
            await event(runId, 'info', coveringNote(guard.covering, current.environment))
          }
          await transitionStepRun(db, stepRun.id, stepRun.status, 'RUNNING', {
            startedAt: stepRun.startedAt ?? new Date(),
            error: null,
          })
          await event(runId, 'info', `Step “${step.name}” started.`)
          const state: StateWatch = { down: null }
          const log = stepLog(run.id)
          const result = await RUNNERS[step.kind]
            .run(contextFor(run, stepRun, target, cancel.signal, log, state))
            .catch((error: Error) => {
              if (isStateStoreDown(error)) state.down = error
              return { status: 'FAILED' as const, error: error.message }
            })
            .finally(log.settled)
          // The step stopped because Lockstep could not record it, not because of the target: interrupted, not failed.
          if (result.status === 'FAILED' && state.down) throw new StateStoreDown(state.down)
          const counts =
            'statementsTotal' in result && result.statementsTotal !== undefined
              ? { statementsApplied: result.statementsApplied ?? 0, statementsTotal: result.statementsTotal }
              : {}
          switch (result.status) {
            case 'WAITING':
              await db.$transaction(async (tx) => {
                await transitionStepRun(tx, stepRun.id, 'RUNNING', 'WAITING')
                await transitionRun(tx, runId, 'RUNNING', 'WAITING', { workerId: null })
                await emitRunEvent(tx, runId, 'RUN_WAITING_AT_GATE')
              })
              await event(runId, 'info', result.message)
              return 'WAITING'
            case 'CANCELLED':
              await transitionStepRun(db, stepRun.id, 'RUNNING', 'CANCELLED', {
                statementsApplied: result.statementsApplied,
                finishedAt: new Date(),
                currentStatement: null,
                backendPid: null,
              })
              throw new Cancelled()
            case 'FAILED': {
              const error = withoutServerPaths(result.error)
              await db.$transaction(async (tx) => {
                await transitionStepRun(tx, stepRun.id, 'RUNNING', 'FAILED', {
                  error,
                  ...counts,
                  finishedAt: new Date(),
                  currentStatement: null,
                  backendPid: null,
                })
                // An observe step's rollback trigger fired: said on its own, whether or not the rollback starts.
                if ('fired' in result && result.fired?.length)
                  await emitRunEvent(tx, runId, 'ROLLBACK_TRIGGER_FIRED', {
                    triggers: result.fired,
                    rollback: !!result.rollback && !run.dryRun,
                  })
              })
              if ('rollback' in result && result.rollback && !run.dryRun)
                return startRollback(runId, stepRun.position, `Step “${step.name}” failed: ${error}`)
              return finish(runId, 'FAILED', `Step “${step.name}” failed: ${error}`)
            }
            default:
              await transitionStepRun(db, stepRun.id, 'RUNNING', result.status, {
                ...counts,
                finishedAt: new Date(),
                currentStatement: null,
                backendPid: null,
              })
              await event(runId, 'info', `Step “${step.name}” ${result.message}.`)
          }
        }
        if (target && !run.dryRun) await recordAfterRun(run, target.client, runLog)
        return finish(runId, 'SUCCEEDED')
      },
    )
    if (outcome === 'NO_TARGET')
      return finish(runId, 'FAILED', 'The plan has no PostgreSQL target connection on this environment.')
    return outcome
  } catch (error) {
    // Not this worker's run any more: nothing of it is written (lib/engine/worker.ts logs it).
    if (error instanceof StateConflict) throw error
    if (error instanceof Cancelled) {
      await transitionStepRunsOf(db, { runId }, ['PENDING', 'RUNNING', 'WAITING'], 'CANCELLED', {
        currentStatement: null,
        backendPid: null,
      })
      return finish(runId, 'CANCELLED')
    }
    // Left RUNNING for the worker to mark interrupted once its database answers again (lib/engine/worker.ts).
    if (error instanceof StateStoreDown || isStateStoreDown(error))
      throw error instanceof StateStoreDown ? error : new StateStoreDown(error)
    return finish(runId, 'FAILED', (error as Error).message)
  } finally {
    cancel.stop()
  }
}

/**
 * Undoes every step that ran – the failed one included, newest first – and ends ROLLED_BACK, or
 * ROLLBACK_FAILED when an undo fails or a step that changed the target has nothing to undo it with.
 */
export async function executeRollback(runId: string): Promise<'ROLLED_BACK' | 'ROLLBACK_FAILED'> {
  const run = await loadRun(runId)
  const end = async (status: 'ROLLED_BACK' | 'ROLLBACK_FAILED', failure: string | null = null) => {
    const error = failure === null ? null : withoutServerPaths(failure)
    await db.$transaction(async (tx) => {
      await transitionRun(tx, runId, 'ROLLING_BACK', status, { error, finishedAt: new Date(), workerId: null })
      await event(
        runId,
        status === 'ROLLED_BACK' ? 'info' : 'error',
        status === 'ROLLED_BACK' ? 'Run rolled back.' : `Rollback failed: ${error}`,
        tx,
      )
      if (status === 'ROLLBACK_FAILED') {
        await notifyRunFailed(tx, runId, status, error)
        await emitRunEvent(tx, runId, 'RUN_FAILED')
      }
    })
    return status
  }
  const toUndo = [...run.steps]
    .reverse()
    .filter((s) => s.status === 'SUCCEEDED' || s.status === 'FAILED' || s.status === 'CANCELLED')
  const never = new AbortController().signal
  const outcome = await withTargetIfNeeded(
    run,
    toUndo.some((s) => RUNNERS[s.kind].needsTarget),
    never,
    async (target) => {
      for (const stepRun of toUndo) {
        const step = stepOf(stepRun)
        const runner = RUNNERS[step.kind]
        if (!runner.rollback) continue // gates and read-only kinds change nothing
        if (step.kind === 'SQL' && !step.rollbackBody) {
          // A transactional script that failed left nothing behind; a step that changed the target cannot be undone.
          if (stepRun.status !== 'SUCCEEDED' && stepRun.statementsApplied === 0) continue
          return end('ROLLBACK_FAILED', `“${step.name}” changed the target and has no rollback script.`)
        }
        await event(runId, 'info', `Rolling back “${step.name}”.`)
        const log = stepLog(run.id)
        const result = await runner
          .rollback(contextFor(run, stepRun, target, never, log))
          .catch((error: Error) => ({ status: 'FAILED' as const, error: error.message }))
          .finally(log.settled)
        if (result.status === 'FAILED')
          return end('ROLLBACK_FAILED', `The rollback of “${step.name}” failed: ${result.error}`)
        await transitionStepRun(db, stepRun.id, stepRun.status, 'ROLLED_BACK')
      }
      return end('ROLLED_BACK')
    },
  ).catch((error: Error) => end('ROLLBACK_FAILED', error.message))
  return outcome === 'NO_TARGET'
    ? end('ROLLBACK_FAILED', 'The plan has no PostgreSQL target connection on this environment.')
    : outcome
}
