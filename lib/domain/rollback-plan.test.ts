import { describe, expect, it } from 'vitest'
import { rollbackPlanInWords, rollbackPlanOf } from './rollback-plan'

const sql = (id: string, rollbackBody: string | null) => ({ id, kind: 'SQL', name: `Step ${id}`, rollbackBody })

describe('a plan’s rollback plan', () => {
  it('counts the rollback scripts of SQL steps, not only the steps written down', () => {
    const summary = rollbackPlanOf({
      rollbackSteps: [],
      phases: [
        {
          name: 'Schema',
          steps: [
            sql('a', 'DROP TABLE a;'),
            sql('b', 'DROP TABLE b;'),
            { id: 'c', kind: 'VALIDATE', name: 'Check', rollbackBody: null },
          ],
        },
      ],
    })
    expect(summary).toEqual({
      written: 0,
      scripted: [
        { stepId: 'a', phaseName: 'Schema', stepName: 'Step a' },
        { stepId: 'b', phaseName: 'Schema', stepName: 'Step b' },
      ],
      unscripted: [],
    })
    expect(rollbackPlanInWords(summary)).toBe('A rollback script for every SQL step (2).')
  })

  it('names what is missing, and says so when there is no rollback plan at all', () => {
    const partly = rollbackPlanOf({
      rollbackSteps: [{}],
      phases: [
        { name: 'Schema', steps: [sql('a', 'DROP TABLE a;')] },
        { name: 'Data', steps: [sql('b', ' ')] },
      ],
    })
    expect(partly.unscripted).toEqual([{ stepId: 'b', phaseName: 'Data', stepName: 'Step b' }])
    expect(rollbackPlanInWords(partly)).toBe('1 rollback step written down; rollback scripts for 1 of 2 SQL steps.')
    expect(
      rollbackPlanInWords(rollbackPlanOf({ rollbackSteps: [], phases: [{ name: 'Schema', steps: [sql('a', null)] }] })),
    ).toBe('No rollback plan yet: no rollback steps written down, and the SQL step has no rollback script.')
    expect(rollbackPlanInWords(rollbackPlanOf({ rollbackSteps: [], phases: [] }))).toBe(
      'No rollback plan yet: no rollback steps written down and no SQL step with a rollback script.',
    )
    expect(rollbackPlanInWords(rollbackPlanOf({ rollbackSteps: [{}, {}], phases: [] }))).toBe(
      '2 rollback steps written down.',
    )
  })
})
