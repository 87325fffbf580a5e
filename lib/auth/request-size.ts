// The largest request Lockstep reads: a plan document of up to 2 MB (lib/plan-document/limits.ts) and the form
// around it. Server actions are held to it by Next.js (serverActions.bodySizeLimit in next.config.ts); proxy.ts
// refuses any larger declared body before a route handler or an action reads a byte of it.

export const MAX_REQUEST_BYTES = 3 * 1024 * 1024

export const TOO_LARGE_REQUEST = `Refused: a request to Lockstep carries at most ${MAX_REQUEST_BYTES / 1024 / 1024} MB (a plan document at most 2 MB).`

/** True when the request declares a body larger than MAX_REQUEST_BYTES. */
export function isOversized(headers: Headers): boolean {
  const length = Number(headers.get('content-length') ?? 0)
  return Number.isFinite(length) && length > MAX_REQUEST_BYTES
}
