import { createHash, randomBytes } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import type { Role } from '@/lib/generated/prisma/enums'

// Two-factor sign-in with time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s – what every
// authenticator app reads from a QR code), via the `otpauth` library, and one-time recovery codes.

/** Roles that may change production: they sign in with a second factor. */
export const MFA_ROLES: readonly Role[] = ['ADMIN', 'DBA']
export const requiresMfa = (role: Role) => MFA_ROLES.includes(role)

const ISSUER = 'Lockstep'
const totpFor = (secretBase32: string, label = 'account') =>
  new TOTP({ issuer: ISSUER, label, secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits: 6, period: 30 })

/** What a user's encrypted secret is bound to, so a ciphertext copied onto another user's row fails. */
export const totpContext = (userId: string) => `totp:${userId}`

/** A fresh 160-bit secret (RFC 4226's recommendation), base32 as authenticator apps take it. */
export const newTotpSecret = () => new Secret({ size: 20 }).base32

/** The `otpauth://` URI an authenticator app reads from the QR code. */
export const totpUri = (secretBase32: string, email: string) => totpFor(secretBase32, email).toString()

/**
 * The time step a code is valid for – now, or one step either side for clock drift – or null. A step at or
 * before `lastStep` is refused: a code seen once (typed, or read over a shoulder) cannot be used again.
 */
export function acceptedStep(
  secretBase32: string,
  code: string,
  lastStep: bigint | null,
  now = Date.now(),
): bigint | null {
  const token = code.replace(/\s+/g, '')
  if (!/^\d{6}$/.test(token)) return null
  const delta = totpFor(secretBase32).validate({ token, timestamp: now, window: 1 })
  if (delta === null) return null
  const step = BigInt(TOTP.counter({ period: 30, timestamp: now }) + delta)
  return lastStep !== null && step <= lastStep ? null : step
}

/** The code an authenticator shows at `now` (for tests and the command line). */
export const totpCode = (secretBase32: string, now = Date.now()) => totpFor(secretBase32).generate({ timestamp: now })

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

/** Ten one-time recovery codes, "xxxxx-xxxxx" (about 49 bits each), shown once. */
export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const chars = [...randomBytes(10)].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length])
    return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`
  })
}

/** What is stored of a recovery code; typing is forgiving about case, spaces and the dash. */
export const recoveryHash = (code: string) =>
  createHash('sha256')
    .update(code.toLowerCase().replace(/[^a-z0-9]/g, ''))
    .digest('hex')

export const looksLikeRecoveryCode = (code: string) => /^[a-z0-9]{10}$/.test(code.toLowerCase().replace(/[\s-]/g, ''))
