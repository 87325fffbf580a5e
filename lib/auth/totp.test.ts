import { describe, expect, it } from 'vitest'
import {
  acceptedStep,
  looksLikeRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  recoveryHash,
  requiresMfa,
  totpCode,
  totpUri,
} from './totp'

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0)

describe('TOTP', () => {
  it('matches the RFC 6238 test vector (SHA-1, 59 s → 287082)', () => {
    // The RFC's secret "12345678901234567890" in base32.
    const rfc = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
    expect(totpCode(rfc, 59_000)).toBe('287082')
    expect(acceptedStep(rfc, '287082', null, 59_000)).toBe(1n)
  })

  it('accepts the current code and one step of drift either side, never the same step twice, and nothing malformed', () => {
    const secret = newTotpSecret()
    const now = totpCode(secret, T0)
    const step = acceptedStep(secret, now, null, T0)
    expect(step).toBe(BigInt(Math.floor(T0 / 30_000)))
    expect(acceptedStep(secret, now, step, T0)).toBeNull()
    expect(acceptedStep(secret, totpCode(secret, T0 - 30_000), null, T0)).toBe((step ?? 0n) - 1n)
    expect(acceptedStep(secret, totpCode(secret, T0 + 30_000), null, T0)).toBe((step ?? 0n) + 1n)
    expect(acceptedStep(secret, totpCode(secret, T0 - 90_000), null, T0)).toBeNull()
    expect(acceptedStep(secret, ` ${now.slice(0, 3)} ${now.slice(3)} `, null, T0)).toBe(step)
    for (const bad of ['', '12345', '1234567', 'abcdef', '12345a'])
      expect(acceptedStep(secret, bad, null, T0)).toBeNull()
  })

  it('writes a URI authenticator apps read', () => {
    expect(totpUri('JBSWY3DPEHPK3PXP', 'dba@example.com')).toBe(
      'otpauth://totp/Lockstep:dba%40example.com?issuer=Lockstep&secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30',
    )
  })

  it('asks admins and DBAs for a second factor', () => {
    expect((['ADMIN', 'DBA', 'LEAD', 'STAKEHOLDER'] as const).map(requiresMfa)).toEqual([true, true, false, false])
  })
})

describe('recovery codes', () => {
  it('are ten distinct codes, matched whatever the case, spacing or dash', () => {
    const codes = newRecoveryCodes()
    expect(new Set(codes).size).toBe(10)
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/)
    const [first = ''] = codes
    expect(recoveryHash(first.toUpperCase().replace('-', ' '))).toBe(recoveryHash(first))
    expect(looksLikeRecoveryCode(first.toUpperCase())).toBe(true)
    expect(looksLikeRecoveryCode('123456')).toBe(false)
  })
})
