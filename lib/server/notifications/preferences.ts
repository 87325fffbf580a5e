import 'server-only'
import { db } from '@/lib/db'
import { NOTIFICATION_KIND_INFO, NOTIFICATION_KINDS } from '@/lib/domain/notification-kinds'
import { emailEnv } from '@/lib/env'
import type { NotificationKind } from '@/lib/generated/prisma/enums'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCan, assertCanInTx } from '@/lib/server/authorize'
import type { TEmailPreferences } from './schemas'

// Which kinds of notice a person also gets by email: their own choice, off until they tick it. Unlike read
// state, a choice decides what leaves Lockstep for an outside mailbox, so a change is audited.

export type EmailPreferencesDTO = {
  /** Whether this Lockstep sends email at all (SMTP_URL is set). */
  isEmailOn: boolean
  /** Where the emails go: the person's sign-in address. */
  address: string
  kinds: { kind: NotificationKind; label: string; description: string; email: boolean }[]
}

/** Every role, its own choices only. */
export async function getEmailPreferences(actor: UserActor): Promise<EmailPreferencesDTO> {
  assertCan(actor, 'notification:read')
  const chosen = await emailKinds(db, actor.id)
  return {
    isEmailOn: Boolean(emailEnv().SMTP_URL),
    address: actor.email,
    kinds: NOTIFICATION_KINDS.map((kind) => ({ kind, ...NOTIFICATION_KIND_INFO[kind], email: chosen.has(kind) })),
  }
}

/**
 * Every role, its own choices only: the kinds ticked in `input` are emailed from now on, the others not.
 * Saved without SMTP_URL too (they apply once email is set up). Audited when something changed.
 */
export async function setEmailPreferences(
  actor: UserActor,
  input: TEmailPreferences,
): Promise<{ email: NotificationKind[] }> {
  const wanted = NOTIFICATION_KINDS.filter((kind) => input[kind])
  return db.$transaction(async (tx) => {
    // Two saves of one person's choices take turns, so each audit event's "before" is what it replaced.
    await tx.$queryRaw`SELECT "id" FROM "User" WHERE "id" = ${actor.id}::uuid FOR NO KEY UPDATE`
    await assertCanInTx(tx, actor, 'notification:read')
    const before = await emailKinds(tx, actor.id)
    const changed = NOTIFICATION_KINDS.filter((kind) => before.has(kind) !== wanted.includes(kind))
    if (!changed.length) return { email: wanted }
    for (const kind of changed) {
      const email = wanted.includes(kind)
      await tx.notificationPreference.upsert({
        where: { userId_kind: { userId: actor.id, kind } },
        create: { userId: actor.id, kind, email },
        update: { email },
      })
    }
    await recordAudit(tx, actor, {
      action: 'notification.email-preferences',
      entityType: 'User',
      entityId: actor.id,
      before: { email: NOTIFICATION_KINDS.filter((kind) => before.has(kind)) },
      after: { email: wanted },
    })
    return { email: wanted }
  })
}

async function emailKinds(client: Pick<typeof db, 'notificationPreference'>, userId: string) {
  const rows = await client.notificationPreference.findMany({
    where: { userId, email: true },
    select: { kind: true },
  })
  return new Set(rows.map((r) => r.kind))
}
