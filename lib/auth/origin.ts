import { headers } from 'next/headers'
import { appEnv } from '@/lib/env'
import { clientAddress } from './forwarded'
import { plainHttpRemoteHost, plainHttpRemoteOrigin } from './plain-http'
import { isForeignOrigin } from './same-origin'

// Where a request came from, as TRUSTED_PROXIES lets Lockstep believe it (lib/auth/forwarded.ts).

/** The client address a request came from, for the audit log: forwarded headers count only from a trusted proxy. */
export function originFromHeaders(requestHeaders: Headers): string | null {
  return clientAddress(requestHeaders, appEnv().TRUSTED_PROXIES)
}

/** For server actions: true when the action's request does not come from a Lockstep page (lib/auth/same-origin.ts). */
export async function isForeignActionRequest(): Promise<boolean> {
  return isForeignOrigin(await headers(), appEnv().TRUSTED_PROXIES)
}

/**
 * For the sign-in page: the address the browser reached it at when that is plain HTTP off this machine and
 * plain HTTP is not allowed – where the session cookie cannot be kept (lib/auth/plain-http.ts); else null.
 */
export async function insecureSignInHost(): Promise<string | null> {
  const env = appEnv()
  return env.LOCKSTEP_ALLOW_INSECURE_HTTP ? null : plainHttpRemoteHost(await headers(), env.TRUSTED_PROXIES)
}

/** For the sign-in action: the same, read from the Origin the browser sent with the form. */
export async function insecureSignInOrigin(): Promise<string | null> {
  return appEnv().LOCKSTEP_ALLOW_INSECURE_HTTP ? null : plainHttpRemoteOrigin(await headers())
}
