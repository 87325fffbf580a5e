import { z } from 'zod'
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS } from '@/lib/domain/webhooks'
import { blankToNull, requiredText } from '@/lib/server/fields'

export const ZWebhookId = z.object({ webhookId: z.uuid('Unknown webhook.') })
export const ZDeliveryId = z.object({ deliveryId: z.uuid('Unknown delivery.') })

// Receivers are reached from the worker: an absolute http(s) URL with a host, and no credentials in it (they would
// be shown on the page and kept in the audit log; the signature is how a receiver knows the sender).
const ZWebhookUrl = z
  .string('Enter the URL to send events to.')
  .trim()
  .min(1, 'Enter the URL to send events to.')
  .max(2000, 'Use at most 2000 characters.')
  .superRefine((value, ctx) => {
    let url: URL
    try {
      url = new URL(value)
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Enter a full URL, such as https://hooks.example.com/lockstep.' })
      return
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      ctx.addIssue({
        code: 'custom',
        message: `Use an https:// (or http://) URL; “${url.protocol}” cannot receive webhooks.`,
      })
    else if (url.username || url.password)
      ctx.addIssue({
        code: 'custom',
        message: 'Leave the user name and password out of the URL: receivers check the signature instead.',
      })
  })

// One checkbox per event (`event:RUN_FAILED`), as a form sends them; code may pass `events` as an array instead.
// (A form's repeated names would reach the action as their last value only.)
const gatherEvents = (input: unknown) => {
  if (!input || typeof input !== 'object' || 'events' in input) return input
  const picked = Object.entries(input).flatMap(([key, value]) =>
    key.startsWith('event:') && value ? [key.slice('event:'.length)] : [],
  )
  return { ...input, events: picked }
}

const ZWebhookFields = z.object({
  name: requiredText('a name', 120),
  url: ZWebhookUrl,
  events: z
    .array(z.enum(WEBHOOK_EVENTS, 'Unknown event.'))
    .min(1, 'Choose at least one event.')
    .max(WEBHOOK_EVENTS.length, 'Choose each event once.'),
  format: z.enum(WEBHOOK_FORMATS, 'Choose a format.').default('STANDARD'),
})
export type TWebhookFields = z.infer<typeof ZWebhookFields>

export const ZCreateWebhook = z.preprocess(gatherEvents, ZWebhookFields)
// The stored URL is not sent back to the page (a Slack URL is itself a secret): left empty, it stays as it is.
export const ZUpdateWebhook = z.preprocess(
  gatherEvents,
  ZWebhookFields.extend({ ...ZWebhookId.shape, url: z.preprocess(blankToNull, ZWebhookUrl.nullable()) }),
)
export type TUpdateWebhook = z.infer<typeof ZUpdateWebhook>

export const ZSetWebhookActive = ZWebhookId.extend({
  isActive: z.enum(['true', 'false'], 'Say whether to pause or resume.').transform((v) => v === 'true'),
})
export const ZDeleteWebhook = ZWebhookId.extend({ confirm: z.string().max(200).default('') })
