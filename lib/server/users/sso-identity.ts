import { groupsOf } from '@/lib/auth/sso-roles'
import { normaliseEmail } from './rules'

/** Who the identity provider says signed in: from the ID token's claims, which Auth.js has verified. */
export type SsoIdentity = {
  issuer: string
  subject: string
  email: string | null
  emailVerified: boolean
  name: string | null
  groups: string[]
}

const NAME_MAX = 120
const EMAIL_MAX = 320

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null)

/**
 * The identity in an ID token's claims: `sub` (required), `email` and `email_verified` (only a literal true
 * counts: some providers send "true" for addresses nobody confirmed), a name from `name`, `preferred_username`
 * or the email, and the groups from `groupsClaim`. Null without a subject.
 */
export function identityFromClaims(
  issuer: string,
  claims: Record<string, unknown>,
  groupsClaim: string,
): SsoIdentity | null {
  const subject = text(claims.sub)
  if (!subject) return null
  const rawEmail = text(claims.email)
  const email = rawEmail && rawEmail.length <= EMAIL_MAX && rawEmail.includes('@') ? normaliseEmail(rawEmail) : null
  const name = text(claims.name) ?? text(claims.preferred_username) ?? email
  return {
    issuer,
    subject,
    email,
    emailVerified: claims.email_verified === true,
    name: name ? name.slice(0, NAME_MAX) : null,
    groups: groupsOf(claims[groupsClaim]),
  }
}
