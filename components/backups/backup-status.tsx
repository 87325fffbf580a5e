import type { BadgeTone } from '@/components/ui/badge'
import { StatusBadge } from '@/components/ui/status-badge'
import type { BackupStatus } from '@/lib/generated/prisma/enums'

const LABELS: Record<BackupStatus, [string, BadgeTone, string]> = {
  RUNNING: ['Backing up', 'info', '▶'],
  // Read back (checksum, table of contents or integrity check), not restored: the word says no more than that.
  VERIFIED: ['Read back', 'success', '✓'],
  FAILED: ['Failed', 'danger', '✗'],
  PRUNED: ['Pruned', 'neutral', '⊘'],
}

/** A backup's state: icon, word, colour (never colour alone). */
export function BackupStatusBadge({ status }: { status: BackupStatus }) {
  const [label, tone, glyph] = LABELS[status]
  return <StatusBadge tone={tone} glyph={glyph} label={label} srPrefix="Backup status:" />
}
