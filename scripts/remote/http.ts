// The HTTP side of `lockstep remote`: one request to Lockstep's /api/v1 with the token, retried when the server
// asks for patience (429 with Retry-After, 502–504 while it restarts), and every way it can go wrong turned into
// one sentence. The token is only ever put in the Authorization header: never in a message.

/** The server answered with a problem (problem+json): a refusal the pipeline must see, with its detail. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: Record<string, string[]> = {},
  ) {
    super(message)
  }
}

/** No usable answer: the server cannot be reached, is not Lockstep, or fails on its side. */
export class ServerUnavailable extends Error {}

export type RemoteConfig = { baseUrl: URL; token: string }

export type RequestOptions = {
  body?: unknown
  headers?: Record<string, string>
  /** Statuses that are answers, not problems (for example 404 while looking something up). */
  accept?: number[]
}

const RETRIES = 4
const MAX_WAIT_SECONDS = 60
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/** Seconds a Retry-After header asks for (a number or an HTTP date), between 1 and a minute. */
export function retryAfterSeconds(header: string | null, attempt: number, now = Date.now()): number {
  const seconds =
    header === null ? NaN : /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - now) / 1000
  const fallback = 2 ** attempt
  return Math.min(MAX_WAIT_SECONDS, Math.max(1, Number.isFinite(seconds) ? Math.ceil(seconds) : fallback))
}

const endpoint = (config: RemoteConfig, path: string) =>
  new URL(
    `api/v1/${path.replace(/^\//, '')}`,
    config.baseUrl.href.endsWith('/') ? config.baseUrl : `${config.baseUrl.href}/`,
  )

function unreachable(config: RemoteConfig, error: unknown): ServerUnavailable {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  const why =
    cause?.code === 'ECONNREFUSED'
      ? 'nothing answers there'
      : cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN'
        ? 'no such host'
        : cause?.code === 'ETIMEDOUT' || cause?.code === 'UND_ERR_CONNECT_TIMEOUT'
          ? 'the connection timed out'
          : (cause?.code ?? cause?.message ?? (error as Error).message)
  return new ServerUnavailable(`Cannot reach Lockstep at ${config.baseUrl.origin}: ${why}.`)
}

async function problemOf(config: RemoteConfig, response: Response, path: string): Promise<Error> {
  const type = response.headers.get('content-type') ?? ''
  const json = /json/.test(type) ? ((await response.json().catch(() => null)) as Record<string, unknown> | null) : null
  const detail = typeof json?.detail === 'string' ? json.detail : typeof json?.title === 'string' ? json.title : null
  const clause = detail?.replace(/\.$/, '')
  const code = typeof json?.type === 'string' ? json.type.replace(/^.*\//, '') : ''
  if (response.status === 401)
    return new ApiProblem(
      401,
      code || 'unauthenticated',
      `The token was refused (401): ${clause ?? 'it is unknown, revoked or expired'}.`,
    )
  if (response.status >= 500)
    return new ServerUnavailable(
      `Lockstep at ${config.baseUrl.origin} failed on its side (${response.status})${clause ? `: ${clause}.` : '.'}`,
    )
  if (!json || !code)
    return new ServerUnavailable(
      `${config.baseUrl.origin} answered ${response.status} to ${path} without a Lockstep problem: is --url (LOCKSTEP_URL) Lockstep's address?`,
    )
  const errors = (json.errors ?? {}) as Record<string, string[]>
  return new ApiProblem(response.status, code, detail ?? `Refused (${response.status}).`, errors)
}

/** Sends one request; its JSON answer, or an ApiProblem / ServerUnavailable. */
export async function request<T>(
  config: RemoteConfig,
  method: 'GET' | 'PUT' | 'POST',
  path: string,
  options: RequestOptions = {},
): Promise<{ status: number; body: T }> {
  const url = endpoint(config, path)
  const shown = `/api/v1/${path.replace(/\?.*$/, '')}`
  for (let attempt = 0; ; attempt++) {
    let response: Response
    try {
      response = await fetch(url, {
        method,
        redirect: 'manual',
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${config.token}`,
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      })
    } catch (error) {
      throw unreachable(config, error)
    }
    const again = response.status === 429 || (response.status >= 502 && response.status <= 504)
    if (again && attempt < RETRIES) {
      await response.body?.cancel()
      await sleep(retryAfterSeconds(response.headers.get('retry-after'), attempt) * 1000)
      continue
    }
    if (response.status === 429) {
      await response.body?.cancel()
      throw new ServerUnavailable(
        `Lockstep still limits this token's requests (429) after ${RETRIES} retries: try again later.`,
      )
    }
    if (response.ok || options.accept?.includes(response.status)) {
      const body = (await response.json().catch(() => undefined)) as T | undefined
      if (body === undefined && response.ok)
        throw new ServerUnavailable(
          `${url.origin} answered ${shown} with something that is not JSON: is --url (LOCKSTEP_URL) Lockstep's address?`,
        )
      return { status: response.status, body: body as T }
    }
    if (response.status >= 300 && response.status < 400)
      throw new ServerUnavailable(
        `${url.origin} redirects ${shown} elsewhere (${response.status}): is --url (LOCKSTEP_URL) Lockstep's address?`,
      )
    throw await problemOf(config, response, shown)
  }
}
