// Next.js refuses a server action whose Origin names another site, but lets one without an Origin through.
// Browsers send Origin on every POST, so a state-changing request without one is hand-made: Lockstep refuses
// it too, before any action or route handler sees it (proxy.ts).

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** True when `method` changes state and the request's Origin is missing or is not the host it was sent to. */
export function isForgedWrite(method: string, headers: Headers): boolean {
  if (!UNSAFE_METHODS.has(method.toUpperCase())) return false
  const origin = headers.get('origin')
  // A reverse proxy names the host the browser used; without one, the Host header does.
  const host = headers.get('x-forwarded-host')?.split(',')[0]?.trim() || headers.get('host')
  if (!origin || !host || origin === 'null') return true
  try {
    return new URL(origin).host.toLowerCase() !== host.toLowerCase()
  } catch {
    return true
  }
}
