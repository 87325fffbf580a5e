import 'server-only'
import { randomUUID } from 'node:crypto'
import type { Account, Profile, User } from 'next-auth'
import type { OIDCConfig } from 'next-auth/providers'
import { headers } from 'next/headers'
import { identityFromClaims } from '@/lib/server/users/sso-identity'
import { signInWithSso } from '@/lib/server/users/sso'
import { signInClientAddress } from './client-address'
import { SSO_PROVIDER_ID } from './sso'
import type { SsoConfig } from './sso-env'

/**
 * The identity provider as Auth.js's generic OpenID Connect provider: discovery from the issuer, the
 * authorization code flow with PKCE, state and nonce, and the ID token's claims as the profile.
 */
export function ssoProvider(sso: SsoConfig): OIDCConfig<Profile> {
  return {
    id: SSO_PROVIDER_ID,
    name: sso.name,
    type: 'oidc',
    issuer: sso.issuer,
    clientId: sso.clientId,
    clientSecret: sso.clientSecret,
    checks: ['pkce', 'state', 'nonce'],
    authorization: { params: { scope: sso.scope } },
    profile: (claims) => ({ id: String(claims.sub ?? ''), email: claims.email ?? null, name: claims.name ?? null }),
  }
}

/** Where a refused single sign-on lands: the sign-in page, saying why in words that leak nothing else. */
export const ssoRefusedUrl = (reason: string) => `/login?sso=${encodeURIComponent(reason)}`

/**
 * Auth.js's signIn callback for the identity provider: finds, links or creates the person and opens their
 * server-side session (lib/server/users/sso.ts), then fills `user` – the object the jwt callback reads –
 * exactly as the password sign-in does. A refusal redirects to the sign-in page with its reason; no cookie is set.
 */
export async function admitSsoSignIn(
  sso: SsoConfig,
  user: User,
  account: Account | null | undefined,
  profile: Profile | undefined,
): Promise<true | string> {
  if (account?.provider !== SSO_PROVIDER_ID) return true
  const claims = (profile ?? {}) as Record<string, unknown>
  const issuer = typeof claims.iss === 'string' ? claims.iss : sso.issuer
  const identity = identityFromClaims(issuer, claims, sso.groupsClaim)
  if (!identity) return ssoRefusedUrl('failed')
  const sessionId = randomUUID()
  const origin = await requestOrigin()
  const result = await signInWithSso(identity, sso, { origin, sessionId })
  if (!result.ok) return ssoRefusedUrl(result.reason)
  Object.assign(user, {
    id: result.user.id,
    email: result.user.email,
    name: result.user.name,
    sessionVersion: result.user.sessionVersion,
    sessionId,
  })
  return true
}

// The callback runs inside Auth.js's route handler, whose request headers Next.js knows; outside one, none.
async function requestOrigin(): Promise<string | null> {
  try {
    return signInClientAddress(await headers())
  } catch {
    return null
  }
}
