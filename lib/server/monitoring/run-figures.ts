import { db } from '@/lib/db'
import { parseCopyDetail, parseObserveDetail, type ObserveDetail } from '@/lib/domain/step-details'
import type { RunStatus } from '@/lib/generated/prisma/enums'
import { isEndedRun } from '@/lib/domain/states/run'

// A run's own figures beside its target's metrics: how long it has taken, how far its steps are, what
// its copies move per second and how much they reject, how many errors its log holds, and the
// progress of an observation in flight.

export type RunFiguresDTO = {
  status: RunStatus
  startedAt: string | null
  elapsedSeconds: number
  stepsDone: number
  stepsTotal: number
  /** The run's copy steps together; null when it has none (nothing to count). */
  copy: {
    rowsWritten: number
    rowsTotal: number
    /** Wall-clock seconds the copy steps took (so far, for one in flight). */
    seconds: number
    /** `rowsWritten` over `seconds`: rows and rate from the same interval. */
    rowsPerSecond: number
    /** Of the tables loading now, while some are. */
    rowsPerSecondNow: number | null
    rejectedRows: number
    /** Rejected rows out of the rows the copies handled, in %. */
    rejectedPercent: number
  } | null
  errors: number
  observe: {
    stepName: string
    elapsedSeconds: number
    seconds: number
    health: ObserveDetail['health']
    reasons: string[]
  } | null
}

export async function runFiguresOf(runId: string): Promise<RunFiguresDTO> {
  const run = await db.run.findUniqueOrThrow({
    where: { id: runId },
    select: {
      status: true,
      startedAt: true,
      finishedAt: true,
      steps: {
        orderBy: { position: 'asc' },
        select: {
          id: true,
          status: true,
          detail: true,
          kind: true,
          startedAt: true,
          finishedAt: true,
          step: { select: { name: true, kind: true } },
        },
      },
    },
  })
  const errors = await db.runEvent.count({ where: { runId, level: 'error' } })
  const now = Date.now()
  const end = run.finishedAt?.getTime() ?? now
  const copies = run.steps.filter((s) => s.kind === 'COPY' && s.detail)
  const tables = copies.flatMap((s) => parseCopyDetail(s.detail, s.id)?.tables ?? [])
  const written = tables.reduce((sum, t) => sum + t.written, 0)
  const rejected = tables.reduce((sum, t) => sum + t.rejected, 0)
  const loading = tables.filter((t) => t.state === 'copying')
  // Each copy step's own wall-clock time – its tables load in parallel, so their seconds do not add up to it.
  const copySeconds = copies.reduce(
    (sum, s) =>
      sum +
      (s.startedAt
        ? Math.max(
            0,
            ((s.finishedAt?.getTime() ?? (isEndedRun(run.status) ? end : now)) - s.startedAt.getTime()) / 1000,
          )
        : 0),
    0,
  )
  const observed = run.steps.filter(
    (s) =>
      s.step.kind === 'OBSERVE' &&
      s.detail &&
      (s.status === 'RUNNING' || s.status === 'FAILED' || s.status === 'SUCCEEDED'),
  )
  const observing = observed.find((s) => s.status === 'RUNNING') ?? observed.at(-1)
  const observeDetail = observing ? parseObserveDetail(observing.detail, observing.id) : null
  return {
    status: run.status,
    startedAt: run.startedAt?.toISOString() ?? null,
    elapsedSeconds: run.startedAt ? Math.max(0, (end - run.startedAt.getTime()) / 1000) : 0,
    stepsDone: run.steps.filter((s) => s.status === 'SUCCEEDED' || s.status === 'SKIPPED').length,
    stepsTotal: run.steps.length,
    copy: run.steps.some((s) => s.kind === 'COPY')
      ? {
          rowsWritten: written,
          rowsTotal: tables.reduce((sum, t) => sum + t.total, 0),
          seconds: copySeconds,
          rowsPerSecond: copySeconds > 0 ? written / copySeconds : 0,
          rowsPerSecondNow: loading.length ? loading.reduce((sum, t) => sum + t.rowsPerSecond, 0) : null,
          rejectedRows: rejected,
          rejectedPercent: written + rejected ? (100 * rejected) / (written + rejected) : 0,
        }
      : null,
    errors,
    observe:
      observing && observeDetail
        ? {
            stepName: observing.step.name,
            elapsedSeconds: Math.min(
              observeDetail.seconds,
              Math.max(0, ((observing.finishedAt?.getTime() ?? now) - Date.parse(observeDetail.startedAt)) / 1000),
            ),
            seconds: observeDetail.seconds,
            health: observeDetail.health,
            reasons: observeDetail.reasons,
          }
        : null,
  }
}
