import { describe, expect, it } from 'vitest'
import { finalStatesOf, sourcesOf, type Transitions } from './machine'
import {
  ACTIVE_RUN_STATES,
  CLAIMABLE_RUN_STATES,
  ENDED_RUN_STATES,
  FINAL_RUN_STATES,
  RUN_TRANSITIONS,
  UNRESOLVED_RUN_STATES,
  canMoveRun,
} from './run'
import { STEP_RUN_TRANSITIONS, UNFINISHED_STEP_STATES, canMoveStepRun } from './step-run'
import { OPEN_WINDOW_STATES, WINDOW_TRANSITIONS, canMoveWindow } from './window'
import { ACTIVE_VALIDATION_STATES, ENDED_VALIDATION_STATES, VALIDATION_TRANSITIONS } from './validation'
import { BACKUP_TRANSITIONS, canMoveBackup } from './backup'
import { ACTIVE_RESTORE_STATES, RESTORE_TRANSITIONS } from './restore'
import { ACTIVE_REHEARSAL_STATES, FINISHED_REHEARSAL_STATES, REHEARSAL_TRANSITIONS } from './rehearsal'

const TABLES: [string, Transitions<string>][] = [
  ['run', RUN_TRANSITIONS],
  ['step run', STEP_RUN_TRANSITIONS],
  ['window', WINDOW_TRANSITIONS],
  ['validation', VALIDATION_TRANSITIONS],
  ['backup', BACKUP_TRANSITIONS],
  ['restore', RESTORE_TRANSITIONS],
  ['rehearsal', REHEARSAL_TRANSITIONS],
]

const states = (table: Transitions<string>) => Object.keys(table)
const sorted = (list: readonly string[]) => [...list].sort()
const next = (table: Transitions<string>, from: string) => table[from] ?? []

describe.each(TABLES)('the %s table', (_, table) => {
  it('moves only to states of its own machine, each named once', () => {
    for (const from of states(table)) {
      for (const to of next(table, from)) expect(states(table)).toContain(to)
      expect(new Set(next(table, from)).size).toBe(next(table, from).length)
    }
  })

  it('reaches every state from the first one, and has a final state', () => {
    const reached = new Set(states(table).slice(0, 1))
    for (let grown = true; grown;) {
      const before = reached.size
      for (const from of [...reached]) for (const to of next(table, from)) reached.add(to)
      grown = reached.size > before
    }
    expect(sorted([...reached])).toEqual(sorted(states(table)))
    expect(finalStatesOf(table).length).toBeGreaterThan(0)
  })
})

describe('runs', () => {
  it('splits every state into active or ended, never both', () => {
    expect(sorted([...ACTIVE_RUN_STATES, ...ENDED_RUN_STATES])).toEqual(sorted(states(RUN_TRANSITIONS)))
    expect(ACTIVE_RUN_STATES.filter((s) => (ENDED_RUN_STATES as readonly string[]).includes(s))).toEqual([])
  })

  it('calls final only the ended states nothing moves on from; the unresolved ones a DBA still resolves', () => {
    expect(sorted(FINAL_RUN_STATES)).toEqual(['ROLLED_BACK', 'SUCCEEDED'])
    for (const s of FINAL_RUN_STATES) expect(ENDED_RUN_STATES).toContain(s)
    for (const s of UNRESOLVED_RUN_STATES) {
      expect(FINAL_RUN_STATES).not.toContain(s)
      expect(canMoveRun(s, 'ROLLING_BACK')).toBe(true)
      expect(canMoveRun(s, 'ROLLED_BACK')).toBe(true)
    }
    expect(canMoveRun('FAILED', 'QUEUED')).toBe(true)
    expect(canMoveRun('FAILED', 'SUCCEEDED')).toBe(true)
  })

  it('lets a worker claim only what is claimable, and no ended run move to running', () => {
    expect(sorted(sourcesOf(RUN_TRANSITIONS, 'RUNNING'))).toEqual(sorted(CLAIMABLE_RUN_STATES))
    for (const s of ENDED_RUN_STATES) expect(canMoveRun(s, 'RUNNING')).toBe(false)
  })

  it('ends a run (succeeded, failed, waiting at a gate) only from running, and cancels it only from where no step runs', () => {
    for (const to of ['SUCCEEDED', 'WAITING', 'INTERRUPTED'] as const)
      expect(sourcesOf(RUN_TRANSITIONS, to).filter((s) => s !== 'FAILED')).toEqual(['RUNNING'])
    expect(sorted(sourcesOf(RUN_TRANSITIONS, 'CANCELLED'))).toEqual(['INTERRUPTED', 'QUEUED', 'RUNNING', 'WAITING'])
    expect(sourcesOf(RUN_TRANSITIONS, 'ROLLBACK_FAILED')).toEqual(['ROLLING_BACK'])
  })

  it('refuses the moves nobody makes: a rollback back to running, an ended run started again, a queued run ended', () => {
    expect(canMoveRun('WAITING', 'QUEUED')).toBe(true)
    expect(canMoveRun('ROLLING_BACK', 'RUNNING')).toBe(false)
    expect(canMoveRun('SUCCEEDED', 'RUNNING')).toBe(false)
    expect(canMoveRun('QUEUED', 'SUCCEEDED')).toBe(false)
  })
})

describe('step runs', () => {
  it('are unfinished until they succeed, are skipped or are rolled back', () => {
    expect(sorted([...UNFINISHED_STEP_STATES, 'SUCCEEDED', 'SKIPPED', 'ROLLED_BACK'])).toEqual(
      sorted(states(STEP_RUN_TRANSITIONS)),
    )
  })

  it('roll back only what ran, and succeed at a gate only when released', () => {
    expect(sorted(sourcesOf(STEP_RUN_TRANSITIONS, 'ROLLED_BACK'))).toEqual(['CANCELLED', 'FAILED', 'SUCCEEDED'])
    expect(canMoveStepRun('WAITING', 'SUCCEEDED')).toBe(true)
    expect(canMoveStepRun('PENDING', 'SUCCEEDED')).toBe(false)
    expect(canMoveStepRun('SKIPPED', 'RUNNING')).toBe(false)
  })
})

describe('windows', () => {
  it('are decided only while requested, and sent back only once approved', () => {
    expect(sourcesOf(WINDOW_TRANSITIONS, 'APPROVED')).toEqual(['REQUESTED'])
    expect(sourcesOf(WINDOW_TRANSITIONS, 'REJECTED')).toEqual(['REQUESTED'])
    expect(sourcesOf(WINDOW_TRANSITIONS, 'REQUESTED')).toEqual(['APPROVED'])
    expect(sorted(sourcesOf(WINDOW_TRANSITIONS, 'EXPIRED'))).toEqual(sorted(OPEN_WINDOW_STATES))
    expect(canMoveWindow('EXPIRED', 'APPROVED')).toBe(false)
  })
})

describe('validations, restores and rehearsals', () => {
  it('split into under way and ended', () => {
    expect(sorted([...ACTIVE_VALIDATION_STATES, ...ENDED_VALIDATION_STATES])).toEqual(
      sorted(states(VALIDATION_TRANSITIONS)),
    )
    expect(sorted([...ACTIVE_REHEARSAL_STATES, ...FINISHED_REHEARSAL_STATES])).toEqual(
      sorted(states(REHEARSAL_TRANSITIONS)),
    )
    expect(sorted([...ACTIVE_RESTORE_STATES, ...finalStatesOf(RESTORE_TRANSITIONS)])).toEqual(
      sorted(states(RESTORE_TRANSITIONS)),
    )
  })

  it('are claimed from queued and ended only from running', () => {
    for (const table of [VALIDATION_TRANSITIONS, RESTORE_TRANSITIONS, REHEARSAL_TRANSITIONS] as Transitions<string>[]) {
      expect(sourcesOf(table, 'RUNNING')).toEqual(['QUEUED'])
      for (const end of finalStatesOf(table).filter((s) => s !== 'CANCELLED'))
        expect(sourcesOf(table, end)).toEqual(['RUNNING'])
    }
  })
})

describe('backups', () => {
  it('are pruned only once they ended, and a pruned one never verifies again', () => {
    expect(sorted(sourcesOf(BACKUP_TRANSITIONS, 'PRUNED'))).toEqual(['FAILED', 'VERIFIED'])
    expect(canMoveBackup('PRUNED', 'VERIFIED')).toBe(false)
    expect(canMoveBackup('RUNNING', 'PRUNED')).toBe(false)
  })
})
