import 'server-only'
import { db, type Tx } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { DomainError, notFound } from '@/lib/server/errors'
import { auditFailure } from './authenticate'
import { verifySecondFactor } from './mfa'
import { describeWait } from './rules'
import { countAccountAttempt } from './sign-in-limits'
import { tokenCreatedUnderSecondFactor, tokenWithoutSecondFactor } from '@/lib/server/tokens/second-factor'

// Re-authentication: changing production (approving a window on a protected environment, starting a run
// there) needs a code from the authenticator entered in this very session within the last 15 minutes – a
// session left open on an unattended screen, or a stolen cookie, is not enough on its own.

export const REAUTH_MINUTES = 15

const ask = (what: string) =>
  new DomainError('REAUTHENTICATE', `Confirm it is you to ${what}: enter the 6-digit code from your authenticator.`, {
    code: ['Enter the code from your authenticator.'],
  })

/**
 * The person themselves: proves presence with a code (or a recovery code), remembered for this session.
 * Wrong codes count towards the sign-in lockout, each counted before it is checked (sign-in-limits.ts), so
 * codes sent at once cannot outrun it. Audited.
 */
export async function reauthenticate(actor: UserActor, code: string, now = Date.now()): Promise<void> {
  const attempt = await countAccountAttempt(actor.id, now)
  if (!attempt) throw notFound('User')
  if (!attempt.ok) throw refused(`Too many wrong codes or passwords. Try again in ${attempt.retryIn}.`)
  const factor = await verifySecondFactor(actor.id, code, actor, now)
  if (!factor) {
    const lockMs = await auditFailure(actor, 'auth.reauthFailed', attempt)
    throw refused(
      lockMs
        ? `Too many wrong codes. Try again in ${describeWait(lockMs)}.`
        : 'That code is not right. Enter the 6 digits your authenticator shows now (or a recovery code).',
    )
  }
  await db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: actor.id },
      data: {
        secondFactorAt: new Date(now),
        secondFactorSession: actor.sessionId ?? null,
        failedSignIns: 0,
        lockedUntil: null,
      },
    })
    await recordAudit(tx, actor, {
      action: 'auth.reauthenticate',
      entityType: 'User',
      entityId: actor.id,
      after: { secondFactor: factor },
    })
  })
}

const refused = (message: string) => new DomainError('REAUTHENTICATE', message, { code: [message] })

/** Inside a command's transaction: refuses unless this session entered a code within REAUTH_MINUTES. */
export async function assertRecentSecondFactorInTx(
  tx: Tx,
  actor: UserActor,
  what: string,
  now = Date.now(),
): Promise<void> {
  // A request made with an API token has no session to enter a code in. The decision: the token itself is the
  // proof of presence – a person whose role requires two-factor sign-in can only create one within
  // REAUTH_MINUTES of entering a code, and an admin creates a service account's token the same way
  // (lib/server/tokens/commands.ts records it on the token's creation event). A token created without that
  // proof (its owner was a project lead then, say, and became a DBA since) is refused here.
  if (actor.token) {
    if (!(await tokenCreatedUnderSecondFactor(tx, actor.token.id))) throw tokenWithoutSecondFactor(what)
    return
  }
  const user = await tx.user.findUnique({
    where: { id: actor.id },
    select: { secondFactorAt: true, secondFactorSession: true },
  })
  const fresh =
    !!user?.secondFactorAt &&
    !!actor.sessionId &&
    user.secondFactorSession === actor.sessionId &&
    now - user.secondFactorAt.getTime() <= REAUTH_MINUTES * 60_000
  if (!fresh) throw ask(what)
}
