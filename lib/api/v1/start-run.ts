import 'server-only'
import { startRun } from '@/lib/server/runs/commands'
import type { TokenRequest } from '@/lib/server/tokens/authenticate'
import { IdempotencyMismatch, requestHashOf, withIdempotencyKey } from '@/lib/server/tokens/idempotency'
import { runUrl } from '@/lib/server/api/v1'
import { ApiAnswer } from './handler'
import { ProblemError } from './problem'
import type { TPostRun } from './schemas'

// POST /api/v1/runs. A token never re-authenticates with a code: see assertRecentSecondFactorInTx in
// lib/server/users/reauthenticate.ts for how a token stands in for one on a protected environment.

const MAX_KEY_LENGTH = 200

export async function postRun(auth: TokenRequest, request: Request, body: TPostRun, rawBody: string) {
  const start = async () => {
    const { id } = await startRun(auth.actor, {
      planId: body.planId,
      phaseId: body.phaseId,
      environmentId: body.environmentId,
      dryRun: body.dryRun,
      promotionOverrideReason: null,
    })
    return { status: 201, body: { id, status: 'QUEUED', url: runUrl(request, id) } }
  }
  const key = request.headers.get('idempotency-key')
  if (key === null) {
    const answer = await start()
    return new ApiAnswer(answer.body, answer.status)
  }
  if (!key.trim() || key.length > MAX_KEY_LENGTH)
    throw new ProblemError('invalid', `An Idempotency-Key has 1 to ${MAX_KEY_LENGTH} characters.`, {
      'Idempotency-Key': [`Use 1 to ${MAX_KEY_LENGTH} characters.`],
    })
  const hash = requestHashOf(request.method, new URL(request.url).pathname, rawBody)
  try {
    const answer = await withIdempotencyKey(auth.actor.token.id, key, hash, start)
    return new ApiAnswer(answer.body, answer.status, answer.replayed ? { 'Idempotent-Replayed': 'true' } : {})
  } catch (error) {
    if (error instanceof IdempotencyMismatch)
      throw new ProblemError(
        'idempotency-mismatch',
        'This Idempotency-Key was used with another request; use a new key for a new run.',
      )
    throw error
  }
}
