import { DomainError } from '@/lib/server/errors'

// Errors of /api/v1 as RFC 9457 problems. The codes are the contract's (README "HTTP API"); a detail is the
// sentence a person would read on the page, never a stack trace.

export type ProblemCode =
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'invalid'
  | 'conflict'
  | 'rate-limited'
  | 'idempotency-mismatch'
  | 'too-large'
  | 'internal'

const STATUS: Record<ProblemCode, number> = {
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  invalid: 422,
  conflict: 409,
  'rate-limited': 429,
  'idempotency-mismatch': 422,
  'too-large': 413,
  internal: 500,
}

const TITLES: Record<ProblemCode, string> = {
  unauthenticated: 'Unauthenticated',
  forbidden: 'Forbidden',
  'not-found': 'Not found',
  invalid: 'Invalid request',
  conflict: 'Conflict',
  'rate-limited': 'Too many requests',
  'idempotency-mismatch': 'Idempotency key reused',
  'too-large': 'Request too large',
  internal: 'Internal error',
}

export type Problem = {
  type: string
  title: string
  status: number
  detail: string
  errors?: Record<string, string[]>
}

export class ProblemError extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly errors?: Record<string, string[]>,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail)
  }
}

export const problemOf = (code: ProblemCode, detail: string, errors?: Record<string, string[]>): Problem => ({
  type: `https://lockstep.dev/problems/${code}`,
  title: TITLES[code],
  status: STATUS[code],
  detail,
  ...(errors ? { errors } : {}),
})

const DOMAIN_CODES: Record<DomainError['code'], ProblemCode> = {
  NOT_FOUND: 'not-found',
  FORBIDDEN: 'forbidden',
  CONFLICT: 'conflict',
  INVALID: 'invalid',
  UNAUTHENTICATED: 'unauthenticated',
  // Tokens never re-authenticate (lib/server/users/reauthenticate.ts); were one asked to, it may not go on.
  REAUTHENTICATE: 'forbidden',
}

/** The problem a thrown error answers as; null for an unexpected one (the caller logs it and answers 500). */
export function problemOfError(error: unknown): { problem: Problem; headers: Record<string, string> } | null {
  if (error instanceof ProblemError)
    return { problem: problemOf(error.code, error.detail, error.errors), headers: error.headers }
  if (error instanceof DomainError)
    return { problem: problemOf(DOMAIN_CODES[error.code], error.message, error.fieldErrors), headers: {} }
  return null
}

export function fieldErrorsOf(issues: readonly { path: PropertyKey[]; message: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || '_body'
    ;(out[key] ??= []).push(issue.message)
  }
  return out
}
