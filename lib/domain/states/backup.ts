import type { BackupStatus } from '@/lib/generated/prisma/enums'
import { canMoveIn, finalStatesOf, type Transitions } from './machine'

// The backup's state machine: taken RUNNING, then read back (VERIFIED) or FAILED; verified again before every
// restore (either way); its file removed by the retention (PRUNED, the row stays as history).
// Written only by lib/server/backups/transition.ts.

export const BACKUP_TRANSITIONS = {
  RUNNING: ['VERIFIED', 'FAILED'],
  // Verified again before every restore, either way: VERIFIED or FAILED again is a move too (its time and reason change).
  VERIFIED: ['VERIFIED', 'FAILED', 'PRUNED'],
  FAILED: ['VERIFIED', 'FAILED', 'PRUNED'],
  PRUNED: [],
} as const satisfies Transitions<BackupStatus>

export const FINAL_BACKUP_STATES: readonly BackupStatus[] = finalStatesOf<BackupStatus>(BACKUP_TRANSITIONS)

export const canMoveBackup = (from: BackupStatus, to: BackupStatus) =>
  canMoveIn<BackupStatus>(BACKUP_TRANSITIONS, from, to)
