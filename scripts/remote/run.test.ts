import { describe, expect, it } from 'vitest'
import { RUN_TRANSITIONS } from '@/lib/domain/states/run'
import { EXIT, exitOfRunStatus, formatEvent, runUrlOf } from './run'

// What `lockstep remote run --wait` exits with, for every state a run can be in.

describe('exit codes of run states', () => {
  it('decides every state the run machine has', () => {
    const decided = Object.fromEntries(Object.keys(RUN_TRANSITIONS).map((s) => [s, exitOfRunStatus(s)]))
    expect(decided).toEqual({
      QUEUED: null,
      RUNNING: null,
      WAITING: EXIT.notAll,
      INTERRUPTED: null,
      ROLLING_BACK: null,
      FAILED: EXIT.runFailed,
      ROLLBACK_FAILED: EXIT.runFailed,
      CANCELLED: EXIT.runFailed,
      SUCCEEDED: EXIT.ok,
      ROLLED_BACK: EXIT.runFailed,
    })
  })

  it('keeps the codes apart', () => {
    expect(new Set(Object.values(EXIT)).size).toBe(Object.keys(EXIT).length)
    expect([EXIT.ok, EXIT.runFailed, EXIT.usage, EXIT.refused, EXIT.notAll, EXIT.timeout]).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('waits on a state it does not know rather than guessing an outcome', () => {
    expect(exitOfRunStatus('PAUSED')).toBeNull()
  })
})

describe('printing', () => {
  it('prints an event with its time of day and level', () => {
    expect(formatEvent({ id: '7', at: '2026-12-07T08:15:02.123Z', level: 'ERROR', message: 'Step “V2” failed' })).toBe(
      '08:15:02 error: Step “V2” failed',
    )
  })

  it('makes the run’s address absolute against Lockstep’s', () => {
    const config = { baseUrl: new URL('https://l.example/tools/'), token: 'x' }
    expect(runUrlOf(config, '/runs/abc')).toBe('https://l.example/runs/abc')
    expect(runUrlOf(config, 'https://l.example/tools/runs/abc')).toBe('https://l.example/tools/runs/abc')
  })
})
