import { headers } from 'next/headers'
import { appEnv } from '@/lib/env'
import { clientAddress } from './forwarded'
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
