'use server'

import { markAllNotificationsRead, markNotificationRead } from '@/lib/server/notifications/commands'
import { ZNoInput } from '@/lib/server/fields'
import { setEmailPreferences } from '@/lib/server/notifications/preferences'
import { ZEmailPreferences, ZNotificationId } from '@/lib/server/notifications/schemas'
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

export const saveEmailPreferencesAction = defineAction(
  'notification:read',
  ZEmailPreferences,
  async (input, actor) => setEmailPreferences(actor, input),
  {
    success: ({ email }) =>
      email.length
        ? 'Saved. Those notices are also sent to you by email.'
        : 'Saved. No notices are sent to you by email.',
  },
)
