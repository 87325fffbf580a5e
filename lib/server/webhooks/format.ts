import { EVENT_LABELS, EVENT_TYPES, TEST_EVENT_TYPE, type WebhookPayload } from '@/lib/domain/webhooks'
import type { WebhookEvent, WebhookFormat } from '@/lib/generated/prisma/enums'

// The body a receiver gets. STANDARD: the payload as JSON. SLACK: an incoming-webhook message – a line of text
// (what notifications and old clients show) and one mrkdwn section with a link to the page in Lockstep.

const LABEL_OF_TYPE = new Map<string, string>(
  (Object.keys(EVENT_TYPES) as WebhookEvent[]).map((event) => [EVENT_TYPES[event], EVENT_LABELS[event]]),
)

type Named = { name?: unknown; title?: unknown; url?: unknown }
const named = (value: unknown): Named => (value && typeof value === 'object' ? (value as Named) : {})
const text = (value: unknown) => (typeof value === 'string' ? value : '')

/** One line saying what happened and where: "Run failed: Plan A · Schema · production". */
export function summaryOf(payload: WebhookPayload): string {
  if (payload.type === TEST_EVENT_TYPE) return 'Test event from Lockstep: this webhook is reachable.'
  const { plan, phase, environment, connection } = payload.data
  const where = [named(plan).title, named(phase).name, named(connection).name, named(environment).name]
    .map(text)
    .filter(Boolean)
    .join(' · ')
  const label = LABEL_OF_TYPE.get(payload.type) ?? payload.type
  return where ? `${label}: ${where}` : label
}

/** The first link the payload carries (the run, the window list, the validation, the drift). */
export function linkOf(payload: WebhookPayload): string | null {
  for (const value of Object.values(payload.data)) {
    const url = text(named(value).url)
    if (url) return url
  }
  return text(payload.data.url) || null
}

// Slack's mrkdwn treats these three as markup.
const escapeMrkdwn = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

export function slackMessageOf(payload: WebhookPayload) {
  const summary = summaryOf(payload)
  const link = linkOf(payload)
  const lines = [`*${escapeMrkdwn(summary)}*`]
  if (link) lines.push(`<${link}|Open in Lockstep>`)
  return {
    text: summary,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }],
  }
}

export function bodyOf(format: WebhookFormat, payload: WebhookPayload): string {
  return JSON.stringify(format === 'SLACK' ? slackMessageOf(payload) : payload)
}
