import type { BadgeTone } from '@/components/ui/badge'
import { StatusBadge } from '@/components/ui/status-badge'
import { SYNC_STATUS_WORDS } from '@/lib/domain/sync'
import type { SyncStatus } from '@/lib/generated/prisma/enums'

type Look = [tone: BadgeTone, glyph: string]

// Keyed by the enum, so a new sync state does not compile until it has its look here.
const SYNC: Record<SyncStatus, Look> = {
  COPYING: ['info', '⇣'],
  FOLLOWING: ['info', '⟳'],
  CUTTING_OVER: ['warning', '⇄'],
  SWITCHED: ['success', '✓'],
  ENDED: ['neutral', '■'],
  FAILED: ['danger', '✗'],
}

const capitalized = (words: string) => words.charAt(0).toUpperCase() + words.slice(1)

/** A sync's state: icon, word, colour (never colour alone) – the run page, the plan page and monitoring. */
export function SyncStatusBadge({ status }: { status: SyncStatus }) {
  const [tone, glyph] = SYNC[status]
  return (
    <StatusBadge
      tone={tone}
      glyph={glyph}
      label={capitalized(SYNC_STATUS_WORDS[status])}
      srPrefix="Sync status:"
      testId="sync-status"
    />
  )
}
