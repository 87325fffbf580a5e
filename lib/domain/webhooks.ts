import type { DeliveryStatus, WebhookEvent, WebhookFormat } from '@/lib/generated/prisma/enums'

// The outbound webhooks' vocabulary, shared by the data layer, the worker and the pages.

export const WEBHOOK_EVENTS = [
  'WINDOW_REQUESTED',
  'WINDOW_DECIDED',
  'RUN_STARTED',
  'RUN_SUCCEEDED',
  'RUN_FAILED',
  'RUN_WAITING_AT_GATE',
  'ROLLBACK_TRIGGER_FIRED',
  'VALIDATION_FAILED',
  'DRIFT_FOUND',
] as const satisfies readonly WebhookEvent[]

export const WEBHOOK_FORMATS = ['STANDARD', 'SLACK'] as const satisfies readonly WebhookFormat[]

/** The `type` of a payload: what receivers switch on, stable across releases. */
export const EVENT_TYPES: Record<WebhookEvent, string> = {
  WINDOW_REQUESTED: 'window.requested',
  WINDOW_DECIDED: 'window.decided',
  RUN_STARTED: 'run.started',
  RUN_SUCCEEDED: 'run.succeeded',
  RUN_FAILED: 'run.failed',
  RUN_WAITING_AT_GATE: 'run.waiting',
  ROLLBACK_TRIGGER_FIRED: 'rollback_trigger.fired',
  VALIDATION_FAILED: 'validation.failed',
  DRIFT_FOUND: 'drift.found',
}

/** The test event an admin sends by hand; it belongs to no subscription. */
export const TEST_EVENT_TYPE = 'webhook.test'

export const EVENT_LABELS: Record<WebhookEvent, string> = {
  WINDOW_REQUESTED: 'Maintenance window requested',
  WINDOW_DECIDED: 'Maintenance window approved or rejected',
  RUN_STARTED: 'Run started',
  RUN_SUCCEEDED: 'Run succeeded',
  RUN_FAILED: 'Run failed',
  RUN_WAITING_AT_GATE: 'Run waiting at a gate',
  ROLLBACK_TRIGGER_FIRED: 'Rollback trigger fired',
  VALIDATION_FAILED: 'Validation failed',
  DRIFT_FOUND: 'Drift found',
}

export const FORMAT_LABELS: Record<WebhookFormat, string> = {
  STANDARD: 'Standard (signed JSON)',
  SLACK: 'Slack incoming webhook',
}

export const DELIVERY_LABELS: Record<DeliveryStatus, string> = {
  PENDING: 'Pending',
  DELIVERED: 'Delivered',
  FAILED: 'Failed',
}

/** The waits before the 2nd, 3rd, … attempt; after the last retry fails the delivery is FAILED. */
export const RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 3_600_000, 21_600_000] as const

/** When to try again after `attempts` failed attempts, or null when none is left. */
export function nextAttemptAfter(attempts: number, now: Date): Date | null {
  const wait = RETRY_DELAYS_MS[attempts - 1]
  return wait === undefined ? null : new Date(now.getTime() + wait)
}

/** What a payload carries: the event's type, when it happened, and what it is about (never secrets, never rows). */
export type WebhookPayload = { type: string; timestamp: string; data: Record<string, unknown> }
