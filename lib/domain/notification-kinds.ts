import type { NotificationKind } from '@/lib/generated/prisma/enums'

// The kinds of notice the bell shows, as a person chooses which of them to also get by email: a short name,
// and who gets one and when. A Record, so a new kind cannot be added without saying what it is.

export type NotificationKindInfo = { label: string; description: string }

export const NOTIFICATION_KIND_INFO: Record<NotificationKind, NotificationKindInfo> = {
  WINDOW_AWAITING_APPROVAL: {
    label: 'Windows awaiting your approval',
    description: 'Someone requested a maintenance window. DBAs and admins get these.',
  },
  WINDOW_APPROVED: {
    label: 'Your window approved',
    description: 'A DBA approved a maintenance window you requested.',
  },
  WINDOW_REJECTED: {
    label: 'Your window rejected',
    description: 'A DBA rejected a maintenance window you requested, with the reason.',
  },
  RUN_FAILED: {
    label: 'Failed runs',
    description:
      'A run or its rollback failed: one you started, on a plan you own, or any run if you are a DBA or an admin.',
  },
  PLAN_STATUS_CHANGED: {
    label: 'Plan status changes',
    description:
      'A plan’s report status changed (on track, at risk, blocked, done): plans you own, or every plan if you are a stakeholder.',
  },
  TARGET_DRIFTED: {
    label: 'Drift found',
    description: 'A target’s schema changed outside Lockstep. DBAs and admins get these.',
  },
}

/** Every kind, in the order the preferences list them. */
export const NOTIFICATION_KINDS = Object.keys(NOTIFICATION_KIND_INFO) as NotificationKind[]
