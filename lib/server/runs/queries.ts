import 'server-only'
import { safeguardsInWords } from '@/lib/domain/safeguards'
import { can } from '@/lib/auth/permissions'
import { isEndedRun } from '@/lib/domain/states/run'
import { hasSomethingToUndo } from '@/lib/domain/undo'
import { db } from '@/lib/db'
import type { RunStatus, StepKind, StepRunStatus } from '@/lib/generated/prisma/enums'
import { parseLintReport } from '@/lib/domain/lint-report'
import {
  parseCopyDetail,
  parseObserveDetail,
  parseValidateDetail,
  type CopyDetail,
  type ObserveDetail,
} from '@/lib/domain/step-details'
import type { UserActor } from '@/lib/server/actor'
import { assertCan, seesRowData } from '@/lib/server/authorize'
import { scriptsChecksum } from '@/lib/server/step-content'
import { BACKUP_SELECT, seesBackupDetails, toBackupDTO, type BackupDTO } from '@/lib/server/backups/queries'
import { notFound } from '@/lib/server/errors'
import { changedScriptOf } from '@/lib/server/revisions/queries'
import { rejectsOfCopy } from './rejects'
import { ZId } from '@/lib/server/fields'
import { SYNC_SELECT, toSyncDTO, type SyncDTO } from '@/lib/server/syncs/queries'
import { parseCutoverDetail, type CutoverDetail } from '@/lib/domain/sync'
import { shortChecksum } from '@/lib/domain/promotion'

export type RunDTO = {
  id: string
  status: RunStatus
  dryRun: boolean
  plan: { id: string; title: string }
  phaseName: string
  environment: { name: string; protected: boolean }
  requestedByName: string
  error: string | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  steps: {
    id: string
    name: string
    kind: StepKind
    status: StepRunStatus
    statementsApplied: number
    statementsTotal: number
    /** The statement running now on the target, and the backend running it. */
    currentStatement: string | null
    backendPid: number | null
    /** Manual gates: what the person releasing it should check. */
    instructions: string | null
    lint: { errors: number; warnings: number; accepted: boolean } | null
    /** Copy steps (and a sync step's initial copy): per-table figures (live, then the summary), and how many values were rejected. */
    copy: (CopyDetail & { rejectedValues: number }) | null
    /** Validate steps: the validation they made (its report is read from /api/validations/<id>). */
    validationId: string | null
    /** Observe steps: the observation's window, health and reasons, as of its last evaluation. */
    observe: ObserveDetail | null
    /** Backup steps: the artifact, from the moment the backup starts. */
    backup: BackupDTO | null
    /** Sync steps: the sync they started (live lag); cutover steps: the sync they end. */
    sync: SyncDTO | null
    /** Cutover steps: the stage reached, when writes stopped, the sequences set and the downtime. */
    cutover: CutoverDetail | null
    /** A failed SQL step whose script changed after it ran on this environment: the diff of the two texts. */
    changedScript: { href: string; environmentName: string } | null
    error: string | null
    startedAt: string | null
    finishedAt: string | null
  }[]
  events: { id: string; level: string; message: string; createdAt: string }[]
  /**
   * The backup that covers the run: the one its environment required before the first step that can lose
   * data (`required`), else the first verified backup a step of this run took. What a restore starts from.
   */
  coveredBy: { connectionName: string; takenAt: string; required: boolean } | null
  /** What the run's environment requires of it (protected environments only), in words; null: nothing beyond a window. */
  safeguards: string | null
  /** The identical rollback rehearsal of the phase's scripts the run started with. */
  rehearsal: { environmentName: string; finishedAt: string } | null
  /** A DBA started it although the phase had not succeeded with this content on the previous environment. */
  promotionOverride: { skipped: string; byName: string; reason: string } | null
  /** The phase checksum of what it executes (short). */
  contentChecksum: string | null
  canCancel: boolean
  /** A failed or cancelled run in which some step with an undo changed the target (lib/domain/undo.ts). */
  canRollBack: boolean
  /** A person may release the gate the run waits at. */
  canRelease: boolean
  /** DBA decisions on a failed run (see lib/server/runs/resolve.ts). */
  canRetry: boolean
  canMarkApplied: boolean
  canMarkRolledBack: boolean
}

const iso = (d: Date | null) => d?.toISOString() ?? null

/** What a stakeholder reads where an error or a warning was: that there was one, not its text (it can quote values and connection details). */
export const withheldLine = (level: string) =>
  level === 'error'
    ? 'An error was recorded here; editors can read it.'
    : level === 'warn'
      ? 'A warning was recorded here; editors can read it.'
      : null

/** The syncs a run's sync steps started on its environment, and those its cutover steps end. */
async function syncsOfRun(run: { environmentId: string; steps: { kind: string; stepId: string }[] }, ids: string[]) {
  const stepIds = run.steps.filter((s) => s.kind === 'SYNC').map((s) => s.stepId)
  if (!stepIds.length && !ids.length) return []
  return db.sync.findMany({
    where: { OR: [{ stepId: { in: stepIds }, environmentId: run.environmentId }, { id: { in: ids } }] },
    select: SYNC_SELECT,
  })
}

/**
 * Everyone: one run with its steps – as they were queued – and the last 200 lines of its log. Error texts and
 * warnings, which can quote row values and connection details, for editors only.
 */
export async function getRun(actor: UserActor, runId: string): Promise<RunDTO> {
  assertCan(actor, 'run:read')
  if (!ZId.safeParse(runId).success) throw notFound('Run')
  const run = await db.run.findUnique({
    where: { id: runId },
    include: {
      plan: { select: { id: true, title: true } },
      phase: { select: { name: true } },
      environment: { select: { name: true, protected: true, requireRehearsal: true, requireBackupHours: true } },
      requestedBy: { select: { name: true } },
      coveringBackup: { select: { connectionName: true, createdAt: true } },
      rehearsal: { select: { finishedAt: true, environment: { select: { name: true } } } },
      steps: {
        orderBy: { position: 'asc' },
        include: {
          step: { select: { lint: true, lintOverrideReason: true, lintOverrideChecksum: true } },
          backup: { select: BACKUP_SELECT },
        },
      },
      events: { orderBy: { id: 'desc' }, take: 200 },
    },
  })
  if (!run) throw notFound('Run')
  const rejectedValues = new Map(
    await Promise.all(
      run.steps
        .filter((s) => s.kind === 'COPY' || s.kind === 'SYNC')
        .map(async (s) => [s.id, await db.copyReject.count({ where: rejectsOfCopy({ ...s, run }) })] as const),
    ),
  )
  const live = !isEndedRun(run.status)
  const resolver = can(actor.role, 'run:resolve')
  const undoable = ['FAILED', 'ROLLBACK_FAILED', 'CANCELLED'].includes(run.status) && !run.dryRun && resolver
  const failed = run.steps.find((s) => s.status === 'FAILED')
  const details = seesBackupDetails(actor)
  const own = run.steps.find((s) => s.backup?.status === 'VERIFIED')?.backup
  const covering = run.coveringBackup ?? own
  const rowData = seesRowData(actor)
  const cutovers = new Map(
    run.steps.filter((s) => s.kind === 'CUTOVER').map((s) => [s.id, parseCutoverDetail(s.detail)] as const),
  )
  const syncs = await syncsOfRun(
    run,
    [...cutovers.values()].flatMap((c) => (c ? [c.syncId] : [])),
  )
  const changedScripts = new Map(
    await Promise.all(
      run.steps
        .filter((s) => s.kind === 'SQL' && s.status === 'FAILED' && !run.dryRun)
        .map(async (s) => [s.id, await changedScriptOf(run.planId, run.environmentId, s)] as const),
    ),
  )
  const syncOf = (s: (typeof run.steps)[number]) =>
    s.kind === 'SYNC'
      ? syncs.find((y) => y.stepId === s.stepId)
      : s.kind === 'CUTOVER'
        ? syncs.find((y) => y.id === cutovers.get(s.id)?.syncId)
        : undefined
  return {
    id: run.id,
    status: run.status,
    dryRun: run.dryRun,
    plan: run.plan,
    phaseName: run.phase.name,
    environment: { name: run.environment.name, protected: run.environment.protected },
    requestedByName: run.requestedBy.name,
    error: run.error && !rowData ? 'The run stopped with an error; editors can read it.' : run.error,
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    steps: run.steps.map((s) => {
      const lint = s.kind === 'SQL' ? parseLintReport(s.step.lint, s.name) : null
      // A sync step's initial copy shows as a copy does.
      const copy = s.kind === 'COPY' || s.kind === 'SYNC' ? parseCopyDetail(s.detail, s.id) : null
      return {
        id: s.id,
        name: s.name,
        kind: s.kind,
        status: s.status,
        statementsApplied: s.statementsApplied,
        statementsTotal: s.statementsTotal,
        currentStatement: s.status === 'RUNNING' ? s.currentStatement : null,
        backendPid: s.status === 'RUNNING' ? s.backendPid : null,
        instructions: s.kind === 'MANUAL' ? s.body || null : null,
        lint: lint
          ? {
              errors: lint.errors,
              warnings: lint.warnings,
              accepted: !!s.step.lintOverrideReason && s.step.lintOverrideChecksum === scriptsChecksum(s),
            }
          : null,
        copy: copy ? { ...copy, rejectedValues: rejectedValues.get(s.id) ?? 0 } : null,
        validationId:
          s.kind === 'VALIDATE'
            ? (parseValidateDetail(s.detail, s.id)?.validationId ?? null)
            : (cutovers.get(s.id)?.validationId ?? null),
        observe: s.kind === 'OBSERVE' ? parseObserveDetail(s.detail, s.id) : null,
        backup: s.backup ? toBackupDTO(s.backup, details) : null,
        sync: (() => {
          const sync = syncOf(s)
          return sync ? toSyncDTO(sync, actor) : null
        })(),
        cutover: cutovers.get(s.id) ?? null,
        changedScript: changedScripts.get(s.id) ?? null,
        error: s.error && !rowData ? 'The step stopped with an error; editors can read it.' : s.error,
        startedAt: iso(s.startedAt),
        finishedAt: iso(s.finishedAt),
      }
    }),
    events: run.events.reverse().map((e) => ({
      id: e.id.toString(),
      level: e.level,
      message: (!rowData && withheldLine(e.level)) || e.message,
      createdAt: e.createdAt.toISOString(),
    })),
    coveredBy: covering
      ? {
          connectionName: covering.connectionName,
          takenAt: covering.createdAt.toISOString(),
          required: !!run.coveringBackup,
        }
      : null,
    safeguards: run.environment.protected ? safeguardsInWords(run.environment) : null,
    rehearsal: run.rehearsal?.finishedAt
      ? { environmentName: run.rehearsal.environment.name, finishedAt: run.rehearsal.finishedAt.toISOString() }
      : null,
    promotionOverride: run.promotionOverrideReason
      ? {
          skipped: run.promotionSkippedEnvironment ?? 'the previous environment',
          byName: run.requestedBy.name,
          reason: run.promotionOverrideReason,
        }
      : null,
    contentChecksum: run.contentChecksum ? shortChecksum(run.contentChecksum) : null,
    canCancel:
      live &&
      !run.cancelRequested &&
      can(actor.role, 'run:start') &&
      (run.requestedById === actor.id || can(actor.role, 'run:resolve')),
    canRollBack: undoable && hasSomethingToUndo(run.steps),
    canRelease:
      run.status === 'WAITING' && can(actor.role, run.environment.protected ? 'run:start-protected' : 'run:start'),
    canRetry: run.status === 'FAILED' && resolver,
    canMarkApplied: run.status === 'FAILED' && resolver && failed?.kind === 'SQL',
    canMarkRolledBack: undoable,
  }
}

export type RunListItemDTO = {
  id: string
  status: RunStatus
  dryRun: boolean
  planTitle: string
  phaseName: string
  environmentName: string
  requestedByName: string
  createdAt: string
  finishedAt: string | null
}

/** Everyone: the latest runs, newest first. */
export async function listRuns(actor: UserActor, take = 100): Promise<RunListItemDTO[]> {
  assertCan(actor, 'run:read')
  const runs = await db.run.findMany({
    orderBy: { createdAt: 'desc' },
    take,
    include: {
      plan: { select: { title: true } },
      phase: { select: { name: true } },
      environment: { select: { name: true } },
      requestedBy: { select: { name: true } },
    },
  })
  return runs.map((r) => ({
    id: r.id,
    status: r.status,
    dryRun: r.dryRun,
    planTitle: r.plan.title,
    phaseName: r.phase.name,
    environmentName: r.environment.name,
    requestedByName: r.requestedBy.name,
    createdAt: r.createdAt.toISOString(),
    finishedAt: iso(r.finishedAt),
  }))
}

/** Everyone: the newest run of each phase of a plan, by phase id. */
export async function latestRunsByPhase(
  actor: UserActor,
  planId: string,
): Promise<Record<string, { id: string; status: RunStatus; environmentName: string }>> {
  assertCan(actor, 'run:read')
  const runs = await db.run.findMany({
    where: { planId },
    orderBy: { createdAt: 'desc' },
    distinct: ['phaseId'],
    include: { environment: { select: { name: true } } },
  })
  return Object.fromEntries(
    runs.map((r) => [r.phaseId, { id: r.id, status: r.status, environmentName: r.environment.name }]),
  )
}
