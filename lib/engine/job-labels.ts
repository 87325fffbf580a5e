import { db } from '@/lib/db'
import { jobLabel } from '@/lib/domain/short-id'

// How the worker's log names what it works on: the plan, phase and environment it belongs to, with the short id
// that tells two of the same apart. A name that cannot be read (Lockstep's database not answering) leaves the
// short id alone: a log line is never lost over its label.

const quoted = (name: string) => `“${name}”`

/** `run 9f3c07a2 (“Orders move” › “Data Migration” › staging)` */
export async function runLabel(runId: string): Promise<string> {
  const run = await db.run
    .findUnique({
      where: { id: runId },
      select: {
        plan: { select: { title: true } },
        phase: { select: { name: true } },
        environment: { select: { name: true } },
      },
    })
    .catch(() => null)
  return jobLabel('run', runId, run && [quoted(run.plan.title), quoted(run.phase.name), run.environment.name])
}

/** `drift check 9f3c07a2 (“orders primary” in production)` */
export async function driftCheckLabel(checkId: string): Promise<string> {
  const check = await db.driftCheck
    .findUnique({
      where: { id: checkId },
      select: { connection: { select: { name: true, environment: { select: { name: true } } } } },
    })
    .catch(() => null)
  return jobLabel(
    'drift check',
    checkId,
    check && [`${quoted(check.connection.name)} in ${check.connection.environment.name}`],
  )
}

/** `rehearsal 9f3c07a2 (“Orders move” › “Data Migration” › staging)` */
export async function rehearsalLabel(rehearsalId: string): Promise<string> {
  const rehearsal = await db.rollbackRehearsal
    .findUnique({
      where: { id: rehearsalId },
      select: {
        plan: { select: { title: true } },
        phase: { select: { name: true } },
        environment: { select: { name: true } },
      },
    })
    .catch(() => null)
  return jobLabel(
    'rehearsal',
    rehearsalId,
    rehearsal && [quoted(rehearsal.plan.title), quoted(rehearsal.phase.name), rehearsal.environment.name],
  )
}

/** `validation 9f3c07a2 (“Orders move” › staging)` */
export async function validationLabel(validationId: string): Promise<string> {
  const validation = await db.validation
    .findUnique({
      where: { id: validationId },
      select: { plan: { select: { title: true } }, environment: { select: { name: true } } },
    })
    .catch(() => null)
  return jobLabel(
    'validation',
    validationId,
    validation && [quoted(validation.plan.title), validation.environment.name],
  )
}

/** `restore 9f3c07a2 (onto orders-db)` */
export async function restoreLabel(restoreId: string): Promise<string> {
  const restore = await db.restore
    .findUnique({ where: { id: restoreId }, select: { connectionName: true } })
    .catch(() => null)
  return jobLabel('restore', restoreId, restore && [`onto ${restore.connectionName}`])
}

/** `source read 9f3c07a2 (“Orders move” › staging › preview of User)` */
export async function inspectionLabel(inspectionId: string): Promise<string> {
  const inspection = await db.sourceInspection
    .findUnique({
      where: { id: inspectionId },
      select: { kind: true, table: true, plan: { select: { title: true } }, environment: { select: { name: true } } },
    })
    .catch(() => null)
  return jobLabel(
    'source read',
    inspectionId,
    inspection && [
      quoted(inspection.plan.title),
      inspection.environment.name,
      inspection.kind === 'PROFILE' ? 'profile' : `preview of ${inspection.table ?? ''}`,
    ],
  )
}
