import { originFromHeaders } from './origin'

/**
 * The client address a sign-in attempt is counted against (and audited with): the address the audit log
 * records for any request (lib/auth/origin.ts). The one place to change how sign-in finds it.
 */
export function signInClientAddress(headers: Headers): string | null {
  return originFromHeaders(headers)
}
