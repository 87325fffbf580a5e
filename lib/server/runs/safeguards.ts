import type { Tx } from '@/lib/db'
import { rehearsalChecksum } from '@/lib/targets/sql/history'
import type { RehearsalStep } from '@/lib/domain/rehearsal'
import { splitStatements } from '@/lib/targets/sql/split'
import { backupConfigOf, copyConfigOf } from '@/lib/domain/step-kinds'
import type { Prisma, StepKind } from '@/lib/generated/prisma/client'
import { formatUtc } from '@/lib/domain/words'
import { rehearsedStepsOf } from '@/lib/server/rehearsals/steps'

// The safeguards a protected environment can ask of its runs (dry runs too: they execute the scripts):
// - a rollback rehearsal that came back identical for exactly the SQL scripts the run executes;
// - a verified backup of the target younger than N hours before the run's first step that can lose data.
// startRun checks both so a person hears at once; the engine checks again before each step, because
// rehearsals and backups can be removed and backups age while a run waits for its turn or at a gate.

export type SafeguardEnvironment = {
  name: string
  protected: boolean
  requireRehearsal: boolean
  requireBackupHours: number | null
}
type GuardedStep = { name: string; kind: StepKind; body: string; config: Prisma.JsonValue }
type Reader = Pick<Tx, 'backup' | 'rollbackRehearsal' | 'step' | 'planEnvironment'>

const short = (sql: string) =>
  sql.length > 80 ? `${sql.slice(0, 77).replace(/\s+/g, ' ')}…` : sql.replace(/\s+/g, ' ')

/** Where a step can first lose data, for a person ("line 3: DELETE FROM …"); null when it cannot. */
export async function firstLossOf(step: GuardedStep): Promise<string | null> {
  if (step.kind === 'COPY') {
    const copy = copyConfigOf(step.config)
    if (copy.reload) return 'it reloads the tables it copies, emptying them first'
    if (copy.existingRows === 'empty') return 'it empties the target tables it copies into that already have rows'
    if (copy.existingRows === 'merge')
      return "it overwrites the target's rows that have the same primary key as a source row"
    return null
  }
  if (step.kind !== 'SQL') return null
  // A script that does not parse fails its step before running anything.
  const statements = await splitStatements(step.body).catch(() => [])
  const first = statements.find((s) => s.destructive)
  return first ? `line ${first.line}: ${short(first.sql)}` : null
}

type RehearsalVerdict = { ok: true; rehearsalId: string | null } | { ok: false; reason: string }

/**
 * Whether these SQL scripts – the phase's current ones, or those a run was queued with – have an identical
 * rehearsal; a phase without SQL needs none.
 */
export async function rehearsalVerdict(
  client: Reader,
  phaseId: string,
  scripts?: RehearsalStep[],
): Promise<RehearsalVerdict> {
  const steps = scripts ?? (await rehearsedStepsOf(client, phaseId))
  if (steps.length === 0) return { ok: true, rehearsalId: null }
  const checksum = rehearsalChecksum(steps)
  const identical = await client.rollbackRehearsal.findFirst({
    where: { phaseId, checksum, status: 'IDENTICAL' },
    orderBy: { finishedAt: 'desc' },
    select: { id: true },
  })
  if (identical) return { ok: true, rehearsalId: identical.id }
  const latest = await client.rollbackRehearsal.findFirst({
    where: { phaseId, status: { in: ['IDENTICAL', 'DIFFERENT', 'FAILED'] } },
    orderBy: { finishedAt: 'desc' },
    select: { checksum: true, status: true },
  })
  if (!latest) return { ok: false, reason: 'it has never been rehearsed' }
  if (latest.checksum !== checksum) return { ok: false, reason: 'a script changed since its last rehearsal' }
  return {
    ok: false,
    reason:
      latest.status === 'DIFFERENT'
        ? 'the rehearsal of these scripts found differences'
        : 'the rehearsal of these scripts failed',
  }
}

const rehearsalRefusal = (environment: SafeguardEnvironment, phaseName: string, reason: string) =>
  `“${environment.name}” requires a rollback rehearsal of “${phaseName}” that came back identical for exactly its current scripts, and ${reason}. Rehearse it on a staging environment first (plan page → the phase → Rehearse rollback…).`

export type CoveringBackup = { id: string; connectionName: string; createdAt: Date }

/** The newest verified backup of the connection taken at most `hours` before `now`. */
export async function coveringBackupOf(
  client: Reader,
  connectionId: string,
  hours: number,
  now: Date,
): Promise<CoveringBackup | null> {
  return client.backup.findFirst({
    where: { connectionId, status: 'VERIFIED', createdAt: { gte: new Date(now.getTime() - hours * 3_600_000) } },
    orderBy: { createdAt: 'desc' },
    select: { id: true, connectionName: true, createdAt: true },
  })
}

const backupRefusal = (environment: SafeguardEnvironment, step: string, loss: string, target: string) =>
  `“${environment.name}” requires a verified backup of ${target} younger than ${environment.requireBackupHours} h before the first step that can lose data (“${step}”, ${loss}), and there is none. Add a backup step before it, or run the phase that backs ${target} up first.`

type StartInput = {
  environment: SafeguardEnvironment
  phase: { id: string; name: string; steps: (GuardedStep & { id: string })[] }
  target: { connectionId: string; name: string }
  now: Date
}

/** For startRun, inside its transaction: refuses a run its environment's safeguards forbid; names the rehearsal that covers it. */
export async function checkStartSafeguards(
  tx: Reader,
  { environment, phase, target, now }: StartInput,
): Promise<{ ok: true; rehearsalId: string | null } | { ok: false; reason: string }> {
  const verdict = await rehearsalVerdict(tx, phase.id)
  const guarded = environment.protected
  if (guarded && environment.requireRehearsal && !verdict.ok)
    return { ok: false, reason: rehearsalRefusal(environment, phase.name, verdict.reason) }
  if (guarded && environment.requireBackupHours) {
    for (const step of phase.steps) {
      // A backup step of the target before the first loss takes the backup the engine will find.
      if (step.kind === 'BACKUP' && backupConfigOf(step.config).of === 'target') break
      const loss = await firstLossOf(step)
      if (!loss) continue
      if (!(await coveringBackupOf(tx, target.connectionId, environment.requireBackupHours, now)))
        return { ok: false, reason: backupRefusal(environment, step.name, loss, target.name) }
      break
    }
  }
  return { ok: true, rehearsalId: verdict.ok ? verdict.rehearsalId : null }
}

export type StepGuard = { ok: true; covering: CoveringBackup | null } | { ok: false; error: string }

type GuardInput = {
  run: { planId: string; phaseId: string; phaseName: string; coveringBackupId: string | null }
  environment: SafeguardEnvironment & { id: string }
  step: GuardedStep
  /** The SQL scripts the run was queued with, in order. */
  scripts: RehearsalStep[]
  now: Date
}

/**
 * For the engine, before each step: the rehearsal again for SQL steps; before the first step that can lose
 * data, the covering backup (`covering`: the engine records it on the run, and later steps are covered).
 */
export async function guardStep(
  client: Reader,
  { run, environment, step, scripts, now }: GuardInput,
): Promise<StepGuard> {
  if (!environment.protected) return { ok: true, covering: null }
  if (environment.requireRehearsal && step.kind === 'SQL') {
    const verdict = await rehearsalVerdict(client, run.phaseId, scripts)
    if (!verdict.ok) return { ok: false, error: rehearsalRefusal(environment, run.phaseName, verdict.reason) }
  }
  if (!environment.requireBackupHours || run.coveringBackupId) return { ok: true, covering: null }
  const loss = await firstLossOf(step)
  if (!loss) return { ok: true, covering: null }
  const mapping = await client.planEnvironment.findUnique({
    where: { planId_environmentId: { planId: run.planId, environmentId: environment.id } },
    select: { targetConnection: { select: { id: true, name: true } } },
  })
  const target = mapping?.targetConnection
  const covering = target ? await coveringBackupOf(client, target.id, environment.requireBackupHours, now) : null
  if (!covering) return { ok: false, error: backupRefusal(environment, step.name, loss, target?.name ?? 'the target') }
  return { ok: true, covering }
}

/** The run log's line for the backup that covers a run. */
export const coveringNote = (b: CoveringBackup, environment: SafeguardEnvironment) =>
  `Covered by the verified backup of ${b.connectionName} taken ${formatUtc(b.createdAt.toISOString())}, as “${environment.name}” requires before the first step that can lose data.`
