import type { RunStatus } from '@/lib/generated/prisma/enums'

/** Run states nothing moves on from: live views stop polling, reports count them as ended. */
export const TERMINAL_RUN_STATES: readonly RunStatus[] = [
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'ROLLED_BACK',
  'ROLLBACK_FAILED',
]

export const isTerminalRun = (status: string) => (TERMINAL_RUN_STATES as readonly string[]).includes(status)
