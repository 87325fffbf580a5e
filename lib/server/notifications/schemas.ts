import { z } from 'zod'
import { ZId } from '@/lib/server/fields'

export const ZNotificationId = z.object({ notificationId: ZId })
export type TNotificationId = z.infer<typeof ZNotificationId>
