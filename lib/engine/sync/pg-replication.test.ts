import { describe, expect, it } from 'vitest'
import { lsnText, lsnValue, replicationNames } from './pg-replication'

describe('replication positions and names', () => {
  it('compares LSNs as numbers and prints them as PostgreSQL does, whatever padding they came with', () => {
    expect(lsnValue('0/10') < lsnValue('0/FF')).toBe(true)
    expect(lsnValue('1/0') > lsnValue('0/FFFFFFFF')).toBe(true)
    expect(lsnText('00000000/043969F8')).toBe('0/43969F8')
    expect(lsnText('16/B374D848')).toBe('16/B374D848')
  })

  it('names a sync’s slot and publication as slots must be named, the same for the same sync', () => {
    const { slot, publication } = replicationNames('0193a7f0-0000-7000-8000-000000000001')
    expect(slot).toMatch(/^[a-z0-9_]{1,63}$/)
    expect(publication).toBe(slot)
    expect(replicationNames('0193a7f0-0000-7000-8000-000000000001').slot).toBe(slot)
    expect(replicationNames('other').slot).not.toBe(slot)
  })
})
