import { stateWords } from '@/lib/domain/words'
import { claimRollback, claimRun, executeRollback, executeRun } from './runs'
import { claimValidation, executeValidation } from './validations'
import { claimRestore, executeRestore } from './restores'
import { claimRehearsal, executeRehearsal } from './rehearsals'
import { claimInspection, executeInspection } from './inspections'
import { claimDriftCheck, executeDriftCheck } from './drift'
import { claimCopyUnit, copyUnitLabel, executeCopyUnit } from './copy-help'
import { driftCheckLabel, inspectionLabel, rehearsalLabel, restoreLabel, runLabel, validationLabel } from './job-labels'

// What the worker takes on, as a table its one loop walks (lib/engine/worker.ts): each kind of job is claimed
// (oldest first, safe with any number of workers), named for the log, and executed to an outcome.

export type WorkerJob = {
  /** How the log says the job was taken. */
  claimedAs: string
  claim: (workerId: string) => Promise<string | null>
  label: (id: string) => Promise<string>
  /** Runs the job to its end; its outcome, a state as the log says it ("succeeded", "rolled back"). */
  execute: (id: string) => Promise<string>
}

/**
 * Jobs in a lane are claimed in the order listed, each kind until none is left. Runs and rollbacks go on side
 * by side, up to WORKER_CONCURRENCY of them (an observe step watches for minutes; a gate or a copy must not
 * hold every other plan up); two on one target still take turns on its advisory lock. The other jobs have a
 * lane of their own, one at a time.
 */
export type WorkerLane = {
  /** Names the lane in the log when a claim fails: "run loop failed: …". */
  name: string
  /** Side by side up to the worker's limit, each released when it stops on an error (runs only); else one at a time. */
  parallel: boolean
  jobs: readonly WorkerJob[]
}

const outcome = (execute: (id: string) => Promise<string>) => async (id: string) => stateWords(await execute(id))

export const WORKER_LANES: readonly WorkerLane[] = [
  {
    name: 'run',
    parallel: true,
    jobs: [
      // Waiting is an outcome too: the run stopped at a manual gate.
      { claimedAs: 'claimed', claim: claimRun, label: runLabel, execute: outcome(executeRun) },
      { claimedAs: 'rolling back', claim: claimRollback, label: runLabel, execute: outcome(executeRollback) },
    ],
  },
  {
    name: 'validation',
    parallel: false,
    jobs: [
      { claimedAs: 'claimed', claim: claimValidation, label: validationLabel, execute: outcome(executeValidation) },
      // Restores share the lane: each is one pg_restore, and they are rare.
      { claimedAs: 'claimed', claim: claimRestore, label: restoreLabel, execute: outcome(executeRestore) },
      // Rehearsals too: one target's scripts up, down and up again, minutes at most.
      { claimedAs: 'claimed', claim: claimRehearsal, label: rehearsalLabel, execute: outcome(executeRehearsal) },
      // Drift checks asked for by a person: one read of a target's catalogs each.
      { claimedAs: 'claimed', claim: claimDriftCheck, label: driftCheckLabel, execute: executeDriftCheck },
    ],
  },
  {
    // A lane of its own: the mapping editor waits on these, seconds at most, never behind a long validation.
    name: 'inspection',
    parallel: false,
    jobs: [{ claimedAs: 'claimed', claim: claimInspection, label: inspectionLabel, execute: executeInspection }],
  },
  {
    // The parts of copy steps other workers run: every worker helps load them (lib/engine/copy-help.ts), one
    // copy at a time, on as many connections as the step's jobs; its own runs' parts it loads as their coordinator.
    name: 'copy',
    parallel: false,
    jobs: [{ claimedAs: 'claimed', claim: claimCopyUnit, label: copyUnitLabel, execute: executeCopyUnit }],
  },
]
