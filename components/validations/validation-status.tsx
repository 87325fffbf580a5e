import { Badge, type BadgeTone } from '@/components/ui/badge'
import type { ValidationStatus } from '@/lib/generated/prisma/enums'

const TONES: Record<ValidationStatus, BadgeTone> = {
  QUEUED: 'neutral',
  RUNNING: 'info',
  PASSED: 'success',
  FAILED: 'danger',
  ERROR: 'danger',
  CANCELLED: 'neutral',
}
const LABELS: Record<ValidationStatus, string> = {
  QUEUED: 'queued',
  RUNNING: 'running',
  PASSED: 'all match',
  FAILED: 'differences found',
  ERROR: 'error',
  CANCELLED: 'cancelled',
}

export function ValidationStatusBadge({ status }: { status: ValidationStatus }) {
  return <Badge tone={TONES[status]}>{LABELS[status]}</Badge>
}
