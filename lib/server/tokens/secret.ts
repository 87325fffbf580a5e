import { createHash, randomBytes } from 'node:crypto'

// A token's secret: "lst_" and 32 random bytes in base64url (43 characters). Only its SHA-256 is stored – the
// secret has 256 bits of entropy, so a fast hash is enough (nothing to guess) and lets a request find its token
// with one indexed lookup. The prefix (the first characters) is kept to recognise a token in lists.

export const TOKEN_PREFIX = 'lst_'
const PREFIX_LENGTH = TOKEN_PREFIX.length + 6

export function newTokenSecret(): { secret: string; secretHash: string; prefix: string } {
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url')
  return { secret, secretHash: hashTokenSecret(secret), prefix: secret.slice(0, PREFIX_LENGTH) }
}

export const hashTokenSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex')

/** The shape of a secret: anything else is refused without a database lookup. */
export const looksLikeTokenSecret = (value: string) => /^lst_[A-Za-z0-9_-]{43}$/.test(value)
