import { describe, expect, it } from 'vitest'
import { clientAddress, isProxyAddress, isTrustedProxy, requestHost } from './forwarded'

const headers = (entries: Record<string, string>) => new Headers(entries)

describe('trusted proxies', () => {
  it('accepts addresses and CIDR ranges of either family, and nothing else', () => {
    for (const entry of ['10.0.0.7', '10.0.0.0/8', '0.0.0.0/0', '::1', 'fd00::/8', '2001:db8::/128'])
      expect(isProxyAddress(entry), entry).toBe(true)
    for (const entry of [
      '',
      'localhost',
      '10.0.0',
      '10.0.0.0/33',
      'fd00::/129',
      '10.0.0.0/8/8',
      '10.0.0.0/',
      '10.0.0.0/x',
      '*',
    ])
      expect(isProxyAddress(entry), entry).toBe(false)
  })

  it('matches addresses inside the ranges, IPv4 also in its IPv6 form', () => {
    const trusted = ['10.0.0.0/8', '192.0.2.1', 'fd00::/8']
    expect(isTrustedProxy('10.200.3.4', trusted)).toBe(true)
    expect(isTrustedProxy('::ffff:10.1.2.3', trusted)).toBe(true)
    expect(isTrustedProxy('192.0.2.1', trusted)).toBe(true)
    expect(isTrustedProxy('fd12::1', trusted)).toBe(true)
    expect(isTrustedProxy('192.0.2.2', trusted)).toBe(false)
    expect(isTrustedProxy('11.0.0.1', trusted)).toBe(false)
    expect(isTrustedProxy('not an address', trusted)).toBe(false)
    expect(isTrustedProxy(null, trusted)).toBe(false)
    expect(isTrustedProxy('10.0.0.1', [])).toBe(false)
  })
})

describe('requestHost', () => {
  const forwarded = { host: '10.0.0.5:3000', 'x-forwarded-host': 'lockstep.example, other.example' }
  it('is X-Forwarded-Host only on a connection from a trusted proxy', () => {
    expect(requestHost(headers({ ...forwarded, 'x-forwarded-for': '198.51.100.7, 10.0.0.2' }), ['10.0.0.0/8'])).toBe(
      'lockstep.example',
    )
    expect(requestHost(headers({ ...forwarded, 'x-forwarded-for': '10.0.0.2, 198.51.100.7' }), ['10.0.0.0/8'])).toBe(
      '10.0.0.5:3000',
    )
    expect(requestHost(headers({ ...forwarded, 'x-forwarded-for': '10.0.0.2' }), [])).toBe('10.0.0.5:3000')
  })
})

describe('clientAddress', () => {
  it('is the connection itself without a trusted proxy, whatever the client wrote before it', () => {
    expect(
      clientAddress(headers({ 'x-forwarded-for': '203.0.113.9, 198.51.100.7', 'x-real-ip': '203.0.113.9' }), []),
    ).toBe('198.51.100.7')
    expect(clientAddress(headers({ 'x-forwarded-for': '198.51.100.7' }), ['10.0.0.0/8'])).toBe('198.51.100.7')
    expect(clientAddress(headers({}), [])).toBeNull()
  })

  it('is the first address before the trusted proxies, read from the end', () => {
    const trusted = ['10.0.0.0/8']
    expect(
      clientAddress(headers({ 'x-forwarded-for': '203.0.113.9, 198.51.100.7, 10.0.0.3, 10.0.0.2' }), trusted),
    ).toBe('198.51.100.7')
    expect(clientAddress(headers({ 'x-forwarded-for': '10.0.0.3, 10.0.0.2' }), trusted)).toBe('10.0.0.3')
    expect(clientAddress(headers({ 'x-forwarded-for': '10.0.0.2', 'x-real-ip': '198.51.100.7' }), trusted)).toBe(
      '198.51.100.7',
    )
  })
})
