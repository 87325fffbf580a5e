import { describe, expect, it } from 'vitest'
import { addressLimitKey, describeWait, lockoutMs, normaliseEmail } from './rules'

describe('lockoutMs', () => {
  it('does not lock below the limit', () => {
    expect(lockoutMs(0, 5)).toBe(0)
    expect(lockoutMs(4, 5)).toBe(0)
  })

  it('doubles from 30 seconds and stops at 15 minutes', () => {
    expect(lockoutMs(5, 5)).toBe(30_000)
    expect(lockoutMs(6, 5)).toBe(60_000)
    expect(lockoutMs(8, 5)).toBe(240_000)
    expect(lockoutMs(10, 5)).toBe(900_000)
    expect(lockoutMs(50, 5)).toBe(900_000)
  })
})

describe('account helpers', () => {
  it('normalises emails', () => {
    expect(normaliseEmail('  Ada@Example.COM ')).toBe('ada@example.com')
  })

  it('describes waits in words', () => {
    expect(describeWait(1_000)).toBe('1 second')
    expect(describeWait(30_000)).toBe('30 seconds')
    expect(describeWait(61_000)).toBe('2 minutes')
  })
})

describe('addressLimitKey', () => {
  it('counts an IPv4 client by its address, however it is written', () => {
    expect(addressLimitKey('203.0.113.7')).toBe('203.0.113.7')
    expect(addressLimitKey(' 203.0.113.7 ')).toBe('203.0.113.7')
    expect(addressLimitKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(addressLimitKey('::FFFF:cb00:7107')).toBe('203.0.113.7')
  })

  it('counts an IPv6 client by its /64 network', () => {
    expect(addressLimitKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64')
    expect(addressLimitKey('2001:DB8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64')
    expect(addressLimitKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(addressLimitKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(addressLimitKey('::1')).toBe('0:0:0:0::/64')
    expect(addressLimitKey('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64')
  })

  it('keeps anything else as it is, and has nothing to count under without an address', () => {
    expect(addressLimitKey('Unknown-Proxy')).toBe('unknown-proxy')
    expect(addressLimitKey(null)).toBeNull()
    expect(addressLimitKey('  ')).toBeNull()
  })
})
