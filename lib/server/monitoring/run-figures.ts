import { db } from '@/lib/db'
import type { CopyDetail } from '@/lib/engine/steps/copy'
import type { ObserveDetail } from '@/lib/engine/steps/observe'
import type { RunStatus } from '@/lib/generated/prisma/enums'

// A run's own figures beside its target's metrics: how long it has taken, how far its steps are, what
// its copies move per second and how much they reject, how many errors its log holds, and the
// progress of an observation in flight.

export type RunFiguresDTO = {
  status: RunStatus
  startedAt: string | null
  elapsedSeconds: number
  stepsDone: number
  stepsTotal: number
  rowsWritten: number
  rowsTotal: number
  /** Rows per second of the copy tables loading now; else of the whole copy so far. */
  rowsPerSecond: number
  rejectedRows: number
  /** Rejected rows out of the rows the copies handled, in %. */
  rejectedPercent: number
  errors: number
  observe: { stepName: string; elapsedSeconds: number; seconds: number; health: ObserveDetail['health']; reasons: string[] } | null
}

export async function runFiguresOf(runId: string): Promise<RunFiguresDTO> {
  const run = await db.run.findUniqueOrThrow({
    where: { id: runId },
    select: { status: true, startedAt: true, finishedAt: true, steps: { orderBy: { position: 'asc' }, select: { status: true, detail: true, finishedAt: true, step: { select: { name: true, kind: true } } } } },
  })
  const errors = await db.runEvent.count({ where: { runId, level: 'error' } })
  const now = Date.now()
  const end = run.finishedAt?.getTime() ?? now
  const tables = run.steps.filter((s) => s.step.kind === 'COPY' && s.detail).flatMap((s) => (s.detail as CopyDetail).tables ?? [])
  const written = tables.reduce((sum, t) => sum + t.written, 0)
  const rejected = tables.reduce((sum, t) => sum + t.rejected, 0)
  const loading = tables.filter((t) => t.state === 'copying')
  const copySeconds = tables.reduce((sum, t) => sum + t.seconds, 0)
  const observed = run.steps.filter((s) => s.step.kind === 'OBSERVE' && s.detail && (s.status === 'RUNNING' || s.status === 'FAILED' || s.status === 'SUCCEEDED'))
  const observing = observed.find((s) => s.status === 'RUNNING') ?? observed.at(-1)
  const observeDetail = observing?.detail as ObserveDetail | undefined
  return {
    status: run.status,
    startedAt: run.startedAt?.toISOString() ?? null,
    elapsedSeconds: run.startedAt ? Math.max(0, (end - run.startedAt.getTime()) / 1000) : 0,
    stepsDone: run.steps.filter((s) => s.status === 'SUCCEEDED' || s.status === 'SKIPPED').length,
    stepsTotal: run.steps.length,
    rowsWritten: written,
    rowsTotal: tables.reduce((sum, t) => sum + t.total, 0),
    rowsPerSecond: loading.length ? loading.reduce((sum, t) => sum + t.rowsPerSecond, 0) : copySeconds ? written / copySeconds : 0,
    rejectedRows: rejected,
    rejectedPercent: written + rejected ? (100 * rejected) / (written + rejected) : 0,
    errors,
    observe:
      observing && observeDetail
        ? {
            stepName: observing.step.name,
            elapsedSeconds: Math.min(observeDetail.seconds, Math.max(0, ((observing.finishedAt?.getTime() ?? now) - Date.parse(observeDetail.startedAt)) / 1000)),
            seconds: observeDetail.seconds,
            health: observeDetail.health,
            reasons: observeDetail.reasons,
          }
        : null,
  }
}
