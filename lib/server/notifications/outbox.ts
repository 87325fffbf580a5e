import type { Tx } from '@/lib/db'
import { NOTIFICATION_KIND_INFO } from '@/lib/domain/notification-kinds'
import { emailEnv } from '@/lib/env'
import type { NotificationKind } from '@/lib/generated/prisma/enums'
import { noticeEmailText } from './rules'

// The email outbox (EmailDelivery): a row per notice to send, written in the transaction that leaves the
// notice – so an email exists exactly when its notice does – and sent by the worker (lib/engine/email.ts).

type LeftNotice = { id: string; userId: string; kind: NotificationKind; title: string; body: string; href: string }

/**
 * Queues the email of each notice in `left` whose recipient chose its kind by email. Without SMTP_URL nothing
 * is queued: email is off, and turning it on later must not send a backlog of old notices. Service accounts
 * have no mailbox and set no preferences.
 */
export async function queueNoticeEmails(tx: Tx, left: readonly LeftNotice[]): Promise<number> {
  const env = emailEnv()
  if (!env.SMTP_URL || !left.length) return 0
  const kinds = [...new Set(left.map((n) => n.kind))]
  const chosen = await tx.notificationPreference.findMany({
    where: {
      userId: { in: left.map((n) => n.userId) },
      kind: { in: kinds },
      email: true,
      user: { isActive: true, isService: false },
    },
    select: { userId: true, kind: true, user: { select: { email: true } } },
  })
  const mailbox = new Map(chosen.map((c) => [`${c.userId} ${c.kind}`, c.user.email]))
  const data = left.flatMap((n) => {
    const to = mailbox.get(`${n.userId} ${n.kind}`)
    if (!to) return []
    const text = noticeEmailText(n, NOTIFICATION_KIND_INFO[n.kind].label, env.publicUrl)
    return [{ userId: n.userId, notificationId: n.id, kind: n.kind, to, subject: n.title, text }]
  })
  if (!data.length) return 0
  const { count } = await tx.emailDelivery.createMany({ data })
  return count
}
