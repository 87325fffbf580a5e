import { applyInSession, rollbackInSession, type ApplyOptions, type Script } from '@/lib/engine/sql/apply'
import { rehearsalChecksum } from '@/lib/targets/sql/history'
import { withTargetSession, type TargetSession } from '@/lib/targets/sql/session'
import { splitStatements } from '@/lib/targets/sql/split'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { redact } from '@/lib/domain/redact'
import { describeDifference, diffSnapshots, type Diff, type RehearsalStep } from '@/lib/domain/rehearsal'
import { schemaSnapshot } from './schema'

// A rollback rehearsal of a phase's SQL steps on a (staging) target: up, rollback (newest step first), up
// again, with a schema snapshot around each. The rollback must restore the schema found before the up, and
// the second up must give the schema the first one gave.
//
// The scripts run through the same engine as a real run (parser split, transactions, lock and statement
// timeouts, Lockstep's lock on the target) but with the history table neither read nor written. A plan's
// history rows are keyed by its steps' ids; rows under invented rehearsal keys would claim scripts applied
// that no run applied, and on the next rehearsal they would make the engine skip the up as "already
// applied". So the target ends with the steps applied (by the second up) and no row saying so: rehearse
// on a copy made for it, not on an environment a plan will later run on.

export type RehearsalPhase = 'up' | 'rollback' | 'up again'

export type RehearsalResult = {
  outcome: 'IDENTICAL' | 'DIFFERENT' | 'FAILED'
  /** Before the first up against after the rollback; `{ identical: false, differences: [] }` when not compared. */
  rollback: Diff
  /** After the first up against after the second; `{ identical: false, differences: [] }` when not compared. */
  repeat: Diff
  error?: string
  /** Scripts that ran to the end over the three phases: three per step when the rehearsal got through. */
  stepsRun: number
  seconds: number
  /** rehearsalChecksum(steps): what a later run can require a rehearsal of. */
  checksum: string
}

export type RehearseOptions = {
  target: PostgresTarget
  steps: RehearsalStep[]
  signal?: AbortSignal
  log?: (line: string) => void
}

const notCompared = (): Diff => ({ identical: false, differences: [] })

class RehearsalFailure extends Error {}

const quoted = (name: string) => `“${name}”`

/** What makes the rehearsal pointless before anything runs: no steps, a step without rollback, a syntax error. */
async function problemBeforeRunning(steps: RehearsalStep[]): Promise<string | null> {
  if (steps.length === 0) return 'There are no SQL steps to rehearse.'
  const without = steps.filter((s) => !s.rollbackBody?.trim()).map((s) => quoted(s.name))
  if (without.length > 0)
    return `${without.join(', ')} ${without.length === 1 ? 'has' : 'have'} no rollback script; a rehearsal needs one for every SQL step.`
  for (const step of steps) {
    for (const [which, sql] of [
      ['script', step.body],
      ['rollback script', step.rollbackBody ?? ''],
    ] as const) {
      try {
        await splitStatements(sql)
      } catch (error) {
        return `The ${which} of ${quoted(step.name)} cannot be parsed: ${(error as Error).message}`
      }
    }
  }
  return null
}

type Progress = { phase: RehearsalPhase; stepsRun: number; rollback: Diff; repeat: Diff }

async function up(session: TargetSession, scripts: Script[], options: ApplyOptions, progress: Progress) {
  for (const outcome of await applyInSession(session, scripts, options)) {
    if (outcome.status === 'APPLIED') {
      progress.stepsRun++
      continue
    }
    const name = scripts.find((s) => s.version === outcome.version)?.label ?? outcome.version
    throw new RehearsalFailure(
      `${quoted(name)} ${outcome.status === 'CANCELLED' ? 'was cancelled' : 'failed'} during the ${progress.phase}: ${outcome.error ?? outcome.status}`,
    )
  }
}

async function rollBack(session: TargetSession, scripts: Script[], options: ApplyOptions, progress: Progress) {
  for (const script of [...scripts].reverse()) {
    options.log?.({
      level: 'info',
      version: script.version,
      message: `Rolling back ${quoted(script.label ?? script.version)}.`,
    })
    const outcome = await rollbackInSession(session, script, options)
    if (outcome.status === 'FAILED')
      throw new RehearsalFailure(
        `${quoted(script.label ?? script.version)} failed during the ${progress.phase}: ${outcome.error ?? 'failed'}`,
      )
    progress.stepsRun++
  }
}

/** Rehearses the steps' rollback on `target`; the caller has decided the target may be changed. */
export async function rehearse({
  target,
  steps,
  signal,
  log = () => undefined,
}: RehearseOptions): Promise<RehearsalResult> {
  const started = performance.now()
  const progress: Progress = { phase: 'up', stepsRun: 0, rollback: notCompared(), repeat: notCompared() }
  const finish = (outcome: RehearsalResult['outcome'], error?: string): RehearsalResult => ({
    outcome,
    rollback: progress.rollback,
    repeat: progress.repeat,
    ...(error ? { error } : {}),
    stepsRun: progress.stepsRun,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    checksum: rehearsalChecksum(steps),
  })
  const problem = await problemBeforeRunning(steps)
  if (problem) {
    log(`Not rehearsed: ${problem}`)
    return finish('FAILED', problem)
  }
  const scripts: Script[] = steps.map((s, i) => ({
    version: `rehearsal-${i + 1}`,
    description: s.name,
    label: s.name,
    sql: s.body,
    rollbackSql: s.rollbackBody,
  }))
  const options: ApplyOptions = {
    appliedBy: 'rehearsal',
    recordHistory: false,
    signal,
    log: (e) => log(`${progress.phase}: ${e.message}`),
  }
  try {
    await withTargetSession(target, { ...options, applicationName: 'lockstep rehearsal' }, async (session) => {
      const beforeUp = await schemaSnapshot(session.client)
      await up(session, scripts, options, progress)
      const afterUp = await schemaSnapshot(session.client)
      progress.phase = 'rollback'
      await rollBack(session, scripts, options, progress)
      progress.rollback = diffSnapshots(beforeUp, await schemaSnapshot(session.client))
      progress.phase = 'up again'
      await up(session, scripts, options, progress)
      progress.repeat = diffSnapshots(afterUp, await schemaSnapshot(session.client))
    })
  } catch (error) {
    const message =
      error instanceof RehearsalFailure
        ? error.message
        : `The rehearsal stopped during the ${progress.phase}: ${redact((error as Error).message, [target.password])}`
    log(`${message} The target is left as the failed step left it.`)
    return finish('FAILED', message)
  }
  for (const d of progress.rollback.differences) log(describeDifference(d, 'rollback'))
  for (const d of progress.repeat.differences) log(describeDifference(d, 'repeat'))
  const identical = progress.rollback.identical && progress.repeat.identical
  log(
    identical
      ? 'The rollback restored the schema, and the up gave the same schema again.'
      : 'The schemas differ (above).',
  )
  log(
    `The target keeps the steps applied (by the second up); Lockstep's history on it records none of the rehearsal's scripts.`,
  )
  return finish(identical ? 'IDENTICAL' : 'DIFFERENT')
}
