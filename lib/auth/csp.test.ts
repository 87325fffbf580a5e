import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy, newNonce } from './csp'

describe('contentSecurityPolicy', () => {
  it('allows scripts only with the nonce, forbids framing and plugins, and evaluates code only in development', () => {
    const policy = contentSecurityPolicy('abc123')
    const directives = Object.fromEntries(
      policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
    )
    expect(directives['script-src']).toBe("'self' 'nonce-abc123' 'strict-dynamic'")
    expect(directives['frame-ancestors']).toBe("'none'")
    expect(directives['object-src']).toBe("'none'")
    expect(directives['base-uri']).toBe("'none'")
    expect(policy).not.toContain('unsafe-eval')
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/)
    expect(contentSecurityPolicy('abc123', { development: true })).toContain(
      "'nonce-abc123' 'strict-dynamic' 'unsafe-eval'",
    )
  })

  it('makes a fresh 128-bit nonce each time', () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce))
    expect(nonces.size).toBe(100)
    for (const n of nonces) expect(Buffer.from(n, 'base64')).toHaveLength(16)
  })
})
