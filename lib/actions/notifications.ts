'use server'

import { markAllNotificationsRead, markNotificationRead } from '@/lib/server/notifications/commands'
import { ZNoInput } from '@/lib/server/fields'
import { ZNotificationId } from '@/lib/server/notifications/schemas'
import { defineAction } from './define-action'

// No revalidatePath: the bell and the notifications page refresh their own data after a mark, and a
// layout-wide revalidation would re-render the console for a personal read state.
export const markNotificationReadAction = defineAction(
  'notification:read',
  ZNotificationId,
  async ({ notificationId }, actor) => markNotificationRead(actor, notificationId),
)
export const markAllNotificationsReadAction = defineAction('notification:read', ZNoInput, async (_input, actor) =>
  markAllNotificationsRead(actor),
)
