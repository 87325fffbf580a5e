import { StatusBadge } from '@/components/ui/status-badge'
import type { BadgeTone } from '@/components/ui/badge'
import { DELIVERY_LABELS } from '@/lib/domain/webhooks'
import type { DeliveryStatus } from '@/lib/generated/prisma/enums'

const LOOK: Record<DeliveryStatus, { tone: BadgeTone; glyph: string }> = {
  PENDING: { tone: 'info', glyph: '…' },
  DELIVERED: { tone: 'success', glyph: '✓' },
  FAILED: { tone: 'danger', glyph: '✕' },
}

/** The one badge of a webhook delivery's state. */
export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  return <StatusBadge {...LOOK[status]} label={DELIVERY_LABELS[status]} srPrefix="Delivery" testId="delivery-status" />
}
