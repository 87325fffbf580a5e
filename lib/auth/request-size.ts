// The largest request Lockstep reads: a plan document of up to 2 MB (lib/plan-document/limits.ts) and the form
// around it. The web server counts every body as it arrives and cuts it here, whatever route it is for and
// whether or not it declares a length (lib/runtime/web-server.ts). Behind it, proxy.ts refuses a larger declared
// body, Next.js holds server actions to the same limit (serverActions.bodySizeLimit in next.config.ts), and route
// handlers read bodies through a bounded reader (lib/api/read-body.ts).

export const MAX_REQUEST_BYTES = 3 * 1024 * 1024

export const TOO_LARGE_REQUEST = `Refused: a request to Lockstep carries at most ${MAX_REQUEST_BYTES / 1024 / 1024} MB (a plan document at most 2 MB).`

/** True when the request declares a body larger than MAX_REQUEST_BYTES. */
export function isOversized(headers: Headers): boolean {
  const length = Number(headers.get('content-length') ?? 0)
  return Number.isFinite(length) && length > MAX_REQUEST_BYTES
}
