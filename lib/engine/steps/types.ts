import type { Prisma, StepKind } from '@/lib/generated/prisma/client'
import type { RejectedRow } from '@/lib/engine/copy/model'
import type { TargetSession } from '@/lib/targets/sql/session'

// The step runner interface: one runner per step kind. The run loop (lib/engine/runs.ts) owns ordering,
// windows, cancel and state; a runner only does its step's work and says how it ended.

/** A rollback trigger that fired during an observe step: what it says, its condition, the value, when. */
export type FiredTrigger = { text: string; condition: string; value: string | number | null; firedAt: string | null }

/** `detail`: a kind's own live figures (copy steps: a CopyDetail). */
export type StepProgress = {
  statementsApplied?: number
  statementsTotal?: number
  currentStatement?: string | null
  backendPid?: number | null
  detail?: Prisma.InputJsonValue
}

export type StepContext = {
  runId: string
  stepRunId: string
  planId: string
  environmentId: string
  step: {
    id: string
    name: string
    kind: StepKind
    body: string
    rollbackBody: string | null
    config: Prisma.JsonValue
  }
  /** The step run's live figures as an earlier attempt left them (a resumed or retried step); null the first time. */
  earlierDetail: Prisma.JsonValue | null
  dryRun: boolean
  /** A DBA chose to retry this failed step. */
  retryFailed: boolean
  /** The worker running it (its claims on the parts of a copy name it). */
  workerId: string
  /** Who the run is for, as recorded on the target. */
  appliedBy: string
  /** The run's target session, holding Lockstep's lock on it; null for runners that need no target. */
  target: TargetSession | null
  /** Aborted when a person cancels the run. */
  signal: AbortSignal
  log: (level: 'info' | 'warn' | 'error', message: string) => void
  /** Writes the step's live figures (a short transaction of its own). */
  progress: (update: StepProgress) => Promise<void>
  /** Keeps a copy's rejected rows (a row reported again by a resumed chunk is kept once). */
  saveRejects: (copyId: string, rejects: readonly RejectedRow[]) => Promise<void>
}

export type StepResult =
  | { status: 'SUCCEEDED'; statementsApplied?: number; statementsTotal?: number; message: string }
  | { status: 'SKIPPED'; message: string }
  /**
   * `rollback`: the step asks for the run's rollback to start at once (observe steps whose trigger fired);
   * `fired`: the rollback triggers that fired, for webhooks.
   */
  | {
      status: 'FAILED'
      error: string
      statementsApplied?: number
      statementsTotal?: number
      rollback?: boolean
      fired?: FiredTrigger[]
    }
  | { status: 'CANCELLED'; statementsApplied?: number }
  /** Stops the run until a person releases the step (manual gates). */
  | { status: 'WAITING'; message: string }

export type StepRunner = {
  /** Whether the run must hold a session on its target database for this step. */
  needsTarget: boolean
  run: (ctx: StepContext) => Promise<StepResult>
  /** Undoes a step that ran, when a failed run is rolled back. Absent: the kind changes nothing to undo. */
  rollback?: (ctx: StepContext) => Promise<StepResult>
}

/** The run's target session, for runners that declared `needsTarget`. */
export function requireTarget(ctx: StepContext): TargetSession {
  if (!ctx.target) throw new Error('The run has no target session.')
  return ctx.target
}

/** Live figures are written one after another, and all are written before the step's end is. */
export function progressWriter() {
  let chain = Promise.resolve()
  return {
    track: (write: () => Promise<void>) => {
      chain = chain.then(write).catch(() => undefined)
    },
    flushed: () => chain,
  }
}
