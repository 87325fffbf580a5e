'use server'

import { AuthError, CredentialsSignin } from 'next-auth'
import { unstable_rethrow } from 'next/navigation'
import { signIn, signOut } from '@/lib/auth/config'
import { endCurrentSession } from '@/lib/auth/current-user'
import { insecureSignInOrigin, isForeignActionRequest } from '@/lib/auth/origin'
import { FORGED_WRITE } from '@/lib/auth/same-origin'
import { SSO_PROVIDER_ID, ssoButton } from '@/lib/auth/sso'

/** `step: 'code'` once the password was right and the account needs a code from its authenticator. */
export type SignInState = { error: string | null; email: string; step: 'password' | 'code' }

/** Public by nature, but only from a Lockstep page; the credentials provider does the checking, slowing and auditing. */
export async function signInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const email = String(formData.get('email') ?? '').slice(0, 320)
  // Another site signing a visitor in to an account of its choosing (login CSRF) is refused like any other change.
  if (await isForeignActionRequest()) return { error: FORGED_WRITE, email, step: 'password' }
  // Over plain HTTP off this machine the browser would drop the session cookie: say so instead of a silent return.
  const plainHttpHost = await insecureSignInOrigin()
  if (plainHttpHost) return { error: plainHttpSignIn(plainHttpHost), email, step: 'password' }
  const password = String(formData.get('password') ?? '')
  const code = String(formData.get('code') ?? '').slice(0, 32)
  const next = String(formData.get('next') ?? '/')
  if (!email.trim() || !password) return { error: 'Enter your email and password.', email, step: 'password' }
  const step = code ? 'code' : 'password'
  try {
    await signIn('credentials', { email, password, ...(code ? { code } : {}), redirectTo: safeNext(next) })
    return { error: null, email, step }
  } catch (error) {
    unstable_rethrow(error)
    if (error instanceof CredentialsSignin) {
      if (error.code.startsWith('locked:'))
        return {
          error: `Too many failed sign-ins. Try again in ${error.code.slice('locked:'.length)}.`,
          email,
          step: 'password',
        }
      if (error.code === 'code-required') return { error: null, email, step: 'code' }
      if (error.code === 'sso-required')
        return {
          error: `Password sign-in is turned off for your account. Use “Continue with ${ssoButton()?.name ?? 'single sign-on'}” below.`,
          email,
          step: 'password',
        }
      if (error.code === 'code-invalid')
        return {
          error: 'That code is not right. Enter the 6 digits your authenticator shows now, or a recovery code.',
          email,
          step: 'code',
        }
    }
    if (error instanceof AuthError) return { error: 'Wrong email or password.', email, step: 'password' }
    console.error('[sign-in] unexpected failure', error)
    return { error: 'Signing in failed on our side. Try again in a moment.', email, step }
  }
}

/**
 * Public: starts single sign-on – Auth.js redirects the browser to the identity provider, which sends it back
 * to /api/auth/callback/oidc (lib/auth/sso-provider.ts decides there). Only from a Lockstep page.
 */
export async function ssoSignInAction(_prev: string | null, formData: FormData): Promise<string | null> {
  if (await isForeignActionRequest()) return FORGED_WRITE
  if (!ssoButton()) return 'Single sign-on is not configured.'
  const plainHttpHost = await insecureSignInOrigin()
  if (plainHttpHost) return plainHttpSignIn(plainHttpHost)
  try {
    await signIn(SSO_PROVIDER_ID, { redirectTo: safeNext(String(formData.get('next') ?? '/')) })
    return null
  } catch (error) {
    unstable_rethrow(error)
    // Typically the identity provider cannot be reached (its discovery document is read first).
    console.error('[sign-in] single sign-on could not start:', error instanceof Error ? error.message : error)
    return 'Single sign-on could not start: the identity provider did not answer. Try again in a moment.'
  }
}

/** Public: ends the session its own cookie names, server-side first, so that a copy of the cookie is worthless too. */
export async function signOutAction(): Promise<void> {
  if (await isForeignActionRequest()) return
  await endCurrentSession()
  await signOut({ redirectTo: '/login' })
}

// Only same-site paths, so a crafted link cannot bounce a fresh session to another site.
function safeNext(next: string): string {
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/'
}

const plainHttpSignIn = (host: string) =>
  `Signing in cannot work at http://${host}: browsers keep Lockstep's session cookie only over HTTPS or on localhost, so you would be back on this form. Open Lockstep at its HTTPS address, or ask an administrator to serve it over HTTPS or to allow plain HTTP on a trusted network.`
