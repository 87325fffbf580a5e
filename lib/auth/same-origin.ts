import { requestHost, type TrustedProxies } from './forwarded'

// Next.js refuses a server action whose Origin names another site, but lets one without an Origin through.
// Browsers send Origin on every POST, so a state-changing request without one is hand-made: Lockstep refuses
// it too, in proxy.ts before any action or route handler sees it, and again in every server action
// (lib/actions/define-action.ts), so that no matcher or header can route a request around the check.

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export const FORGED_WRITE =
  'Refused: a change must come from a Lockstep page (this request names no Origin, or another site).'

/**
 * True when the request's Origin is missing, opaque, or not the host the request was sent to. That host is the
 * Host header, or X-Forwarded-Host when the connection came from a trusted proxy (lib/auth/forwarded.ts).
 */
export function isForeignOrigin(headers: Headers, trusted: TrustedProxies): boolean {
  const origin = headers.get('origin')
  const host = requestHost(headers, trusted)
  if (!origin || !host || origin === 'null') return true
  try {
    return new URL(origin).host.toLowerCase() !== host.toLowerCase()
  } catch {
    return true
  }
}

/** True when `method` changes state and the request's Origin is foreign (isForeignOrigin). */
export function isForgedWrite(method: string, headers: Headers, trusted: TrustedProxies): boolean {
  return UNSAFE_METHODS.has(method.toUpperCase()) && isForeignOrigin(headers, trusted)
}
