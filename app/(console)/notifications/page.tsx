import type { Metadata } from 'next'
import { EmailPreferences } from '@/components/notifications/email-preferences'
import { NotificationsView } from '@/components/notifications/notifications-view'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'
import { getEmailPreferences } from '@/lib/server/notifications/preferences'
import { listNotifications, MAX_NOTIFICATIONS, unreadCount } from '@/lib/server/notifications/queries'

export const metadata: Metadata = { title: 'Notifications' }

export default async function NotificationsPage() {
  const actor = await requirePageActor('notification:read')
  const [items, unread, preferences] = await Promise.all([
    listNotifications(actor, { limit: MAX_NOTIFICATIONS }),
    unreadCount(actor),
    getEmailPreferences(actor),
  ])
  return (
    <>
      <PageHeader
        title="Notifications"
        description={`Your latest ${MAX_NOTIFICATIONS} notices, newest first. Opening one marks it read; nobody else sees what you have read.`}
      />
      <NotificationsView items={items} unread={unread} />
      <EmailPreferences preferences={preferences} />
    </>
  )
}
