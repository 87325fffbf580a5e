import { respond } from '@/lib/api/respond'
import { requireActor } from '@/lib/auth/current-user'
import { getNotificationInbox } from '@/lib/server/notifications/queries'

export const dynamic = 'force-dynamic'

/** The bell polls this: the signed-in person's unread count and latest notices. */
export function GET() {
  return respond(async () => getNotificationInbox(await requireActor('notification:read'), { limit: 20 }))
}
