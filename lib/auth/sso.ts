import 'server-only'
import { appEnv } from '@/lib/env'
import { ssoConfig, type SsoConfig } from './sso-env'

/** Auth.js's id for the OpenID Connect provider: the callback to register is /api/auth/callback/oidc. */
export const SSO_PROVIDER_ID = 'oidc'

/** Single sign-on as this server is configured, or null when it is off. */
export function currentSso(): SsoConfig | null {
  return ssoConfig(appEnv())
}

/** What the sign-in page may know: whether single sign-on is on, and its button's words. Nothing secret. */
export function ssoButton(): { name: string } | null {
  const sso = currentSso()
  return sso ? { name: sso.name } : null
}
