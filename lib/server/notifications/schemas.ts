import { z } from 'zod'
import { NOTIFICATION_KINDS } from '@/lib/domain/notification-kinds'
import type { NotificationKind } from '@/lib/generated/prisma/enums'
import { checkbox, ZId } from '@/lib/server/fields'

export const ZNotificationId = z.object({ notificationId: ZId })
export type TNotificationId = z.infer<typeof ZNotificationId>

// One checkbox per kind of notice, named after the kind; an unticked box is absent from the form, so "off".
export const ZEmailPreferences = z.object(
  Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, checkbox])) as Record<NotificationKind, typeof checkbox>,
)
export type TEmailPreferences = z.infer<typeof ZEmailPreferences>
