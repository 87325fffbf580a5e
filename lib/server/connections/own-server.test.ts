import { describe, expect, it } from 'vitest'
import { canonicalAddress } from './own-server'

describe('canonicalAddress', () => {
  it('spells one address one way', () => {
    expect(canonicalAddress('::ffff:127.0.0.1')).toBe('127.0.0.1')
    expect(canonicalAddress('::FFFF:7f00:1')).toBe('127.0.0.1')
    expect(canonicalAddress('0:0:0:0:0:0:0:1')).toBe('::1')
    expect(canonicalAddress('fe80::1%eth0')).toBe('fe80::1')
    expect(canonicalAddress('10.0.0.5')).toBe('10.0.0.5')
  })
})
