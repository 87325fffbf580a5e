import { describe, expect, it } from 'vitest'
import { RUNNERS } from '@/lib/engine/steps'
import { KIND_NAMES } from '@/lib/domain/step-kinds'
import { hasSomethingToUndo, hasUndo, type StepRunForUndo } from './undo'

const step = (over: Partial<StepRunForUndo>): StepRunForUndo => ({
  kind: 'SQL',
  status: 'SUCCEEDED',
  statementsApplied: 1,
  rollbackBody: 'DROP TABLE t;',
  detail: null,
  ...over,
})

describe('what a rollback would undo', () => {
  it('nothing when the run changed nothing: a refused connection, a failed transactional script, read-only steps', () => {
    expect(
      hasSomethingToUndo([
        step({ status: 'FAILED', statementsApplied: 0 }),
        step({ status: 'PENDING', statementsApplied: 0 }),
      ]),
    ).toBe(false)
    expect(
      hasSomethingToUndo([
        step({ kind: 'VALIDATE', rollbackBody: null }),
        step({ kind: 'MANUAL', rollbackBody: null }),
        step({ kind: 'BACKUP', rollbackBody: null }),
        step({ kind: 'OBSERVE', status: 'FAILED', rollbackBody: null }),
      ]),
    ).toBe(false)
    expect(
      hasSomethingToUndo([
        step({
          kind: 'COPY',
          status: 'FAILED',
          rollbackBody: null,
          detail: { tables: [{ table: 'a', state: 'pending', written: 0 }] },
        }),
        step({ kind: 'COPY', status: 'FAILED', rollbackBody: null, detail: null }),
      ]),
    ).toBe(false)
    // A script without a rollback has nothing a rollback could run.
    expect(hasSomethingToUndo([step({ rollbackBody: null }), step({ rollbackBody: '  ' })])).toBe(false)
  })

  it('something when a SQL step with a rollback succeeded or kept statements, or a copy ran', () => {
    expect(hasUndo(step({}))).toBe(true)
    expect(hasUndo(step({ status: 'FAILED', statementsApplied: 2 }))).toBe(true)
    expect(hasUndo(step({ status: 'CANCELLED', statementsApplied: 1 }))).toBe(true)
    expect(hasUndo(step({ kind: 'COPY', rollbackBody: null }))).toBe(true)
    expect(
      hasUndo(
        step({
          kind: 'COPY',
          status: 'FAILED',
          rollbackBody: null,
          detail: { tables: [{ table: 'a', state: 'copying', written: 0 }] },
        }),
      ),
    ).toBe(true)
    expect(
      hasUndo(
        step({
          kind: 'COPY',
          status: 'CANCELLED',
          rollbackBody: null,
          detail: { tables: [{ table: 'a', state: 'pending', written: 10 }] },
        }),
      ),
    ).toBe(true)
    expect(hasSomethingToUndo([step({ kind: 'VALIDATE', status: 'FAILED', rollbackBody: null }), step({})])).toBe(true)
  })

  it('counts exactly the kinds whose runner has a rollback', () => {
    for (const kind of Object.keys(KIND_NAMES) as (keyof typeof KIND_NAMES)[])
      expect(
        hasUndo(step({ kind, rollbackBody: 'x', detail: { tables: [{ state: 'done', written: 1 }] } })),
        kind,
      ).toBe(!!RUNNERS[kind].rollback)
  })
})
