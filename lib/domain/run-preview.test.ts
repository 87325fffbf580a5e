import { describe, expect, it } from 'vitest'
import { describeStep } from './run-preview'

const none = () => null

describe('what a step that is not SQL will do', () => {
  it('a manual gate waits for a person; with the checklist rule, for the required items too', () => {
    expect(describeStep({ kind: 'MANUAL', config: {} }, none).gate).toBe('waits for a person to release it')
    expect(describeStep({ kind: 'MANUAL', config: { requireChecklist: true } }, none).gate).toMatch(
      /required checklist items are done$/,
    )
  })

  it('an observation names its duration and what a firing trigger does', () => {
    const { does, gate } = describeStep({ kind: 'OBSERVE', config: { seconds: 150, rollback: 'start' } }, none)
    expect(gate).toBe('2 min 30 s without a rollback trigger firing')
    expect(does[0]).toMatch(/for 2 min 30 s .* starts the run’s rollback at once/)
  })

  it('a copy names its tables and mode; a cutover the sync it ends, by name', () => {
    const copy = describeStep(
      { kind: 'COPY', config: { tables: ['users', 'orders'], mode: 'existing', existingRows: 'merge', jobs: 1 } },
      none,
    )
    expect(copy.does[0]).toMatch(/^Copies 2 tables \(users, orders\) .* merging by primary key/)
    expect(copy.does[1]).toMatch(/^1 table at a time/)
    const cutover = describeStep({ kind: 'CUTOVER', config: { syncStepId: 's1', quietSeconds: 5 } }, (id) =>
      id === 's1' ? 'Follow orders' : null,
    )
    expect(cutover.does[0]).toMatch(/^Ends the sync of “Follow orders”/)
    expect(cutover.gate).toMatch(/5 s without a change on the source$/)
  })
})
