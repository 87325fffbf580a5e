import type pg from 'pg'
import { driftOf } from '@/lib/domain/drift'
import { plural } from '@/lib/domain/words'
import type { SchemaSnapshot } from '@/lib/domain/rehearsal'
import type { DriftTrigger } from '@/lib/generated/prisma/enums'
import {
  connectionTargetOf,
  connectionsDueForDrift,
  driftAcknowledged,
  driftCheckToRun,
  finishDriftCheck,
  isProtected,
  latestRecord,
  saveRecord,
  type DriftOutcome,
} from '@/lib/server/drift/record'
import { withoutServerPaths } from '@/lib/server/paths'
import { planTargetOf } from '@/lib/server/runs/target'
import { describeDrift } from '@/lib/domain/drift'
import { openTargetConnection } from '@/lib/targets/sql/session'
import { schemaSnapshot } from './rehearsal/schema'

// Drift: after each successful run the target's schema is recorded (the catalog snapshot rehearsals take); a
// check compares the live schema with the newest record – on demand, before every run, and for the targets
// of active plans now and then – and lists each object that differs with the DDL that reproduces it.

export { claimDriftCheck } from '@/lib/server/drift/record'

/** Records the schema `client` sees as the connection's newest; after a run, the run's id. */
export async function recordSchema(client: pg.Client, connectionId: string, runId: string | null) {
  return saveRecord(connectionId, await schemaSnapshot(client), runId)
}

/** Compares the live schema with the newest record; without one, records it (nothing to compare with yet). */
export async function compareWithRecord(client: pg.Client, connectionId: string): Promise<DriftOutcome> {
  const record = await latestRecord(connectionId)
  const live = await schemaSnapshot(client)
  if (!record) return { status: 'RECORDED', recordId: (await saveRecord(connectionId, live, null)).id }
  const report = driftOf(record.snapshot as SchemaSnapshot, live)
  return { status: report.objects.length ? 'DRIFTED' : 'CLEAN', recordId: record.id, report }
}

/** One check made now on `client` (a run's own session, or a connection of the check's), ended and recorded. */
export async function checkDrift(
  client: pg.Client,
  check: { id: string | null; connectionId: string; trigger: DriftTrigger; runId?: string | null },
) {
  const outcome = await compareWithRecord(client, check.connectionId).catch((error: Error): DriftOutcome => ({
    status: 'FAILED',
    recordId: null,
    error: withoutServerPaths(error.message),
  }))
  const saved = await finishDriftCheck(check, outcome)
  return { ...outcome, ...saved }
}

/** Checks a connection on a connection of its own. */
export async function checkConnection(id: string | null, connectionId: string, trigger: DriftTrigger) {
  const target = await connectionTargetOf(connectionId)
  let client: pg.Client
  try {
    client = await openTargetConnection(target, 'lockstep drift check')
  } catch (error) {
    return finishDriftCheck(
      { id, connectionId, trigger },
      { status: 'FAILED', recordId: null, error: withoutServerPaths((error as Error).message) },
    ).then((saved) => ({ status: 'FAILED' as const, ...saved }))
  }
  try {
    return await checkDrift(client, { id, connectionId, trigger })
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** A queued check (on demand); the outcome as the worker's log says it. */
export async function executeDriftCheck(id: string): Promise<string> {
  const check = await driftCheckToRun(id)
  const outcome = await checkConnection(id, check.connectionId, 'ON_DEMAND')
  return outcome.status === 'DRIFTED'
    ? `drifted (${plural('report' in outcome ? (outcome.report?.objects.length ?? 0) : 0, 'object')})`
    : outcome.status.toLowerCase()
}

type RunOnTarget = { id: string; planId: string; environmentId: string }
type RunLog = (level: 'info' | 'warn', message: string) => PromiseLike<unknown>

/**
 * Before a run's first step, on its own session (it holds the target's lock): the target compared with its
 * record. Drift is logged; on a protected environment it stops the run unless a DBA acknowledged exactly this
 * drift. The reason to stop, or null to go on.
 */
export async function driftBeforeRun(run: RunOnTarget, client: pg.Client, log: RunLog): Promise<string | null> {
  const connectionId = (await planTargetOf(run.planId, run.environmentId))?.connectionId
  if (!connectionId) return null
  const outcome = await checkDrift(client, { id: null, connectionId, trigger: 'BEFORE_RUN', runId: run.id })
  if (outcome.status === 'FAILED') {
    await log('warn', `The drift check before the run failed (${outcome.error}); the run goes on.`)
    return null
  }
  if (outcome.status === 'RECORDED') {
    await log('info', 'No schema of the target was recorded yet: recorded it as it is now, for later drift checks.')
    return null
  }
  const objects = outcome.report?.objects ?? []
  if (outcome.status === 'CLEAN' || !objects.length) {
    await log('info', 'No drift: the target’s schema is as Lockstep last recorded it.')
    return null
  }
  const found = `${plural(objects.length, 'object')} changed outside Lockstep since its schema was last recorded (${objects
    .slice(0, 3)
    .map(describeDrift)
    .join('; ')}${objects.length > 3 ? '; …' : ''})`
  if (!(await isProtected(run.environmentId))) {
    await log('warn', `The target drifted: ${found}. The run goes on: the environment is not protected.`)
    return null
  }
  const acknowledged = outcome.fingerprint
    ? await driftAcknowledged(connectionId, outcome.fingerprint, outcome.recordId)
    : null
  if (acknowledged) {
    await log('info', `The target drifted: ${found}; ${acknowledged.by} acknowledged it: “${acknowledged.reason}”.`)
    return null
  }
  return `The target drifted: ${found}. On a protected environment a DBA must acknowledge the drift before a run (Drift of the target connection: /connections/${connectionId}/drift).`
}

/** After a successful run: the target's schema as the run left it is the new record (its changes are not drift). */
export async function recordAfterRun(run: RunOnTarget, client: pg.Client, log: RunLog) {
  const connectionId = (await planTargetOf(run.planId, run.environmentId))?.connectionId
  if (!connectionId) return
  await recordSchema(client, connectionId, run.id).catch((error: Error) =>
    log('warn', `The target’s schema could not be recorded for drift checks: ${withoutServerPaths(error.message)}`),
  )
}

/** The worker's sweep: each target of an active plan not checked for `minutes`; how many drifted. */
export async function sweepDrift(minutes: number, stopping: () => boolean): Promise<number> {
  let drifted = 0
  for (const connectionId of await connectionsDueForDrift(minutes)) {
    if (stopping()) break
    if ((await checkConnection(null, connectionId, 'PERIODIC')).status === 'DRIFTED') drifted++
  }
  return drifted
}
