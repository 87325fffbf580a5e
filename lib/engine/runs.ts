import { db } from '@/lib/db'
import { postgresTargetOf } from '@/lib/server/connections/secrets'
import { mayStartRun } from '@/lib/server/windows/rules'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { applyScripts, rollbackScript, type ApplyEvent } from './sql/apply'

// The worker's side of runs: claim one safely among several workers, execute its steps in order from the
// first unfinished one, and write progress in short transactions of its own.

/** Takes the oldest queued (or interrupted) run for this worker, or null. Safe with any number of workers. */
export async function claimRun(workerId: string): Promise<string | null> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "Run" SET "status" = 'RUNNING', "workerId" = ${workerId}, "startedAt" = coalesce("startedAt", now()), "updatedAt" = now()
     WHERE "id" = (SELECT "id" FROM "Run" WHERE "status" IN ('QUEUED', 'INTERRUPTED') ORDER BY "createdAt" FOR UPDATE SKIP LOCKED LIMIT 1)
    RETURNING "id"`
  return rows[0]?.id ?? null
}

/** Takes the oldest run whose rollback a DBA asked for and no worker holds yet, or null. */
export async function claimRollback(workerId: string): Promise<string | null> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "Run" SET "workerId" = ${workerId}, "updatedAt" = now()
     WHERE "id" = (SELECT "id" FROM "Run" WHERE "status" = 'ROLLING_BACK' AND "workerId" IS NULL ORDER BY "updatedAt" FOR UPDATE SKIP LOCKED LIMIT 1)
    RETURNING "id"`
  return rows[0]?.id ?? null
}

/**
 * Runs the rollback scripts of every step that ran – the failed one included, newest first – and ends
 * ROLLED_BACK, or ROLLBACK_FAILED when a script fails or a step that changed the target has none.
 */
export async function executeRollback(runId: string): Promise<'ROLLED_BACK' | 'ROLLBACK_FAILED'> {
  const run = await db.run.findUniqueOrThrow({ where: { id: runId }, include: { steps: { orderBy: { position: 'desc' }, include: { step: true } }, requestedBy: { select: { email: true } } } })
  const end = async (status: 'ROLLED_BACK' | 'ROLLBACK_FAILED', error: string | null = null) => {
    await db.run.update({ where: { id: runId }, data: { status, error, finishedAt: new Date(), workerId: null } })
    await event(runId, status === 'ROLLED_BACK' ? 'info' : 'error', status === 'ROLLED_BACK' ? 'Run rolled back.' : `Rollback failed: ${error}`)
    return status
  }
  const target = await targetOf(run.planId, run.environmentId)
  if (!target) return end('ROLLBACK_FAILED', 'The plan has no PostgreSQL target connection on this environment.')
  for (const stepRun of run.steps) {
    if (stepRun.status !== 'SUCCEEDED' && stepRun.status !== 'FAILED') continue
    const step = stepRun.step
    if (!step.rollbackBody) {
      // A failed transactional script left nothing behind; a succeeded one without a rollback cannot be undone.
      if (stepRun.status === 'FAILED' && stepRun.statementsApplied === 0) continue
      return end('ROLLBACK_FAILED', `“${step.name}” changed the target and has no rollback script.`)
    }
    await event(runId, 'info', `Rolling back “${step.name}”.`)
    const outcome = await rollbackScript(target, { version: `step-${step.id}`, description: step.name, sql: step.body, rollbackSql: step.rollbackBody }, {
      appliedBy: run.requestedBy.email,
      log: (e) => {
        event(runId, e.level, e.message).catch(() => undefined)
      },
    }).catch((error: Error) => ({ status: 'FAILED' as const, error: error.message }))
    if (outcome.status === 'FAILED') return end('ROLLBACK_FAILED', `The rollback of “${step.name}” failed: ${outcome.error ?? 'unknown error'}`)
    await db.stepRun.update({ where: { id: stepRun.id }, data: { status: 'ROLLED_BACK' } })
  }
  return end('ROLLED_BACK')
}

/** Runs that a worker held when it stopped heartbeating become INTERRUPTED, to be claimed and resumed. */
export async function markInterrupted(staleAfterMs: number): Promise<number> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "Run" r SET "status" = 'INTERRUPTED', "workerId" = NULL, "updatedAt" = now()
     WHERE r."status" = 'RUNNING'
       AND NOT EXISTS (SELECT 1 FROM "WorkerHeartbeat" h WHERE h."id" = r."workerId" AND h."lastSeenAt" > now() - make_interval(secs => ${staleAfterMs / 1000}))
    RETURNING r."id"`
  for (const { id } of rows) await db.runEvent.create({ data: { runId: id, level: 'warn', message: 'The worker running this stopped; the run is interrupted and resumes from its first unfinished step.' } })
  return rows.length
}

const event = (runId: string, level: ApplyEvent['level'], message: string) => db.runEvent.create({ data: { runId, level, message } })

/** The plan's target database on the run's environment, password decrypted here, or null. */
async function targetOf(planId: string, environmentId: string): Promise<(PostgresTarget & { name: string }) | null> {
  const mapping = await db.planEnvironment.findUnique({ where: { planId_environmentId: { planId, environmentId } }, include: { targetConnection: true } })
  const c = mapping?.targetConnection
  if (!c || c.engine !== 'POSTGRES') return null
  return { name: c.name, ...postgresTargetOf(c) }
}

async function finish(runId: string, status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED', error: string | null = null) {
  await db.run.update({ where: { id: runId }, data: { status, error, finishedAt: new Date(), workerId: null } })
  await event(runId, status === 'SUCCEEDED' ? 'info' : 'error', status === 'SUCCEEDED' ? 'Run succeeded.' : status === 'CANCELLED' ? 'Run cancelled.' : `Run failed: ${error}`)
  return status
}

/** Executes a claimed run to its end (or to the first failure, a cancel, or a closed window). */
export async function executeRun(runId: string, now: () => Date = () => new Date()): Promise<'SUCCEEDED' | 'FAILED' | 'CANCELLED'> {
  const run = await db.run.findUniqueOrThrow({
    where: { id: runId },
    include: { steps: { orderBy: { position: 'asc' }, include: { step: true } }, requestedBy: { select: { email: true } }, phase: { select: { name: true } } },
  })
  const target = await targetOf(run.planId, run.environmentId)
  if (!target) return finish(runId, 'FAILED', 'The plan has no PostgreSQL target connection on this environment.')
  await event(runId, 'info', `Worker started${run.startedAt && run.steps.some((s) => s.status !== 'PENDING') ? ' again, resuming' : ''} on ${target.name}.`)

  for (const stepRun of run.steps) {
    if (stepRun.status === 'SUCCEEDED' || stepRun.status === 'SKIPPED') continue
    const current = await db.run.findUniqueOrThrow({ where: { id: runId }, include: { environment: { include: { windows: { where: { status: 'APPROVED' } } } } } })
    if (current.cancelRequested) {
      await db.stepRun.updateMany({ where: { runId, status: { in: ['PENDING', 'RUNNING'] } }, data: { status: 'CANCELLED' } })
      return finish(runId, 'CANCELLED')
    }
    // The window rule, again before each step: a window can close or be cancelled while a run waits.
    const permission = mayStartRun(current.environment, current.environment.windows, now())
    if (!permission.allowed) return finish(runId, 'FAILED', permission.reason)
    const step = stepRun.step
    if (step.kind !== 'SQL') {
      await db.stepRun.update({ where: { id: stepRun.id }, data: { status: 'FAILED', error: `${step.kind} steps cannot run yet.`, finishedAt: new Date() } })
      return finish(runId, 'FAILED', `“${step.name}” is a ${step.kind.toLowerCase()} step, which this version cannot run.`)
    }
    await db.stepRun.update({ where: { id: stepRun.id }, data: { status: 'RUNNING', startedAt: stepRun.startedAt ?? new Date() } })
    await event(runId, 'info', `Step “${step.name}” started.`)
    const config = (step.config ?? {}) as { statementTimeoutMs?: number; lockTimeoutMs?: number }
    const [outcome] = await applyScripts(target, [{ version: `step-${step.id}`, description: step.name, sql: step.body, rollbackSql: step.rollbackBody }], {
      appliedBy: run.requestedBy.email,
      dryRun: run.dryRun,
      statementTimeoutMs: config.statementTimeoutMs,
      lockTimeoutMs: config.lockTimeoutMs,
      log: (e) => {
        event(runId, e.level, e.message).catch(() => undefined) // the log must never stop the run
      },
    }).catch(async (error: Error) => [{ status: 'FAILED' as const, statementsApplied: 0, statementsTotal: 0, error: error.message }])
    if (!outcome || outcome.status === 'FAILED') {
      await db.stepRun.update({ where: { id: stepRun.id }, data: { status: 'FAILED', error: outcome?.error ?? 'failed', statementsApplied: outcome?.statementsApplied ?? 0, statementsTotal: outcome?.statementsTotal ?? 0, finishedAt: new Date() } })
      return finish(runId, 'FAILED', `Step “${step.name}” failed: ${outcome?.error ?? 'unknown error'}`)
    }
    await db.stepRun.update({
      where: { id: stepRun.id },
      data: { status: outcome.status === 'SKIPPED' ? 'SKIPPED' : 'SUCCEEDED', statementsApplied: outcome.statementsApplied, statementsTotal: outcome.statementsTotal, finishedAt: new Date() },
    })
    await event(runId, 'info', `Step “${step.name}” ${outcome.status === 'ALREADY_APPLIED' ? 'was already applied' : outcome.status === 'SKIPPED' ? 'was skipped in the dry run' : 'succeeded'}.`)
  }
  return finish(runId, 'SUCCEEDED')
}
