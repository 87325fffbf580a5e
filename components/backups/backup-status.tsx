import { Badge, type BadgeTone } from '@/components/ui/badge'
import type { BackupStatus } from '@/lib/generated/prisma/enums'

const LABELS: Record<BackupStatus, [string, BadgeTone, string]> = {
  RUNNING: ['Backing up', 'info', '▶'],
  VERIFIED: ['Verified', 'success', '✓'],
  FAILED: ['Failed', 'danger', '✗'],
  PRUNED: ['Pruned', 'neutral', '⊘'],
}

/** A backup's state: icon, word, colour (never colour alone). */
export function BackupStatusBadge({ status }: { status: BackupStatus }) {
  const [label, tone, icon] = LABELS[status]
  return (
    <Badge tone={tone}>
      <span aria-hidden="true" className="mr-1">
        {icon}
      </span>
      <span className="sr-only">Backup status: </span>
      {label}
    </Badge>
  )
}
