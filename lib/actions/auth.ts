'use server'

import { AuthError, CredentialsSignin } from 'next-auth'
import { unstable_rethrow } from 'next/navigation'
import { signIn, signOut } from '@/lib/auth/config'

export type SignInState = { error: string | null; email: string }

/** Public by nature; the credentials provider does the checking, slowing and auditing. */
export async function signInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const email = String(formData.get('email') ?? '').slice(0, 320)
  const password = String(formData.get('password') ?? '')
  const next = String(formData.get('next') ?? '/')
  if (!email.trim() || !password) return { error: 'Enter your email and password.', email }
  try {
    await signIn('credentials', { email, password, redirectTo: safeNext(next) })
    return { error: null, email }
  } catch (error) {
    unstable_rethrow(error)
    if (error instanceof CredentialsSignin && error.code.startsWith('locked:')) {
      return { error: `Too many failed sign-ins. Try again in ${error.code.slice('locked:'.length)}.`, email }
    }
    if (error instanceof AuthError) return { error: 'Wrong email or password.', email }
    console.error('[sign-in] unexpected failure', error)
    return { error: 'Signing in failed on our side. Try again in a moment.', email }
  }
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: '/login' })
}

// Only same-site paths, so a crafted link cannot bounce a fresh session to another site.
function safeNext(next: string): string {
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/'
}
