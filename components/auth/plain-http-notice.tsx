'use client'

import { useSyncExternalStore } from 'react'
import { Alert } from '@/components/ui/alert'

const noChanges = () => () => undefined

/**
 * Shown before anyone signs in at a plain-HTTP address off this machine, where the browser would drop the session
 * cookie (lib/auth/plain-http.ts). The server decides from the request; once the page runs, the browser's own
 * verdict wins, so an HTTPS proxy Lockstep was not told about (TRUSTED_PROXIES) does not leave a false warning.
 */
export function PlainHttpNotice({ host }: { host: string }) {
  const isSecure = useSyncExternalStore(
    noChanges,
    () => window.isSecureContext,
    () => false,
  )
  if (isSecure) return null
  return (
    <div className="mb-4" data-testid="plain-http-notice">
      <Alert tone="info">
        <p className="font-medium">Signing in needs HTTPS at this address.</p>
        <p className="mt-1">
          You reached Lockstep over plain HTTP at {host}. Browsers keep its session cookie only over HTTPS or on
          localhost, so signing in here would bring you back to this form. Open Lockstep at its HTTPS address, or ask an
          administrator to serve it over HTTPS or to allow plain HTTP on a trusted network.
        </p>
      </Alert>
    </div>
  )
}
