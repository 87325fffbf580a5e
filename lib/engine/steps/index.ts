import type { StepKind } from '@/lib/generated/prisma/enums'
import { backupRunner } from './backup'
import { copyRunner } from './copy'
import { observeRunner } from './observe'
import { sqlRunner } from './sql'
import { validateRunner } from './validate'
import { syncRunner } from './sync'
import { cutoverRunner } from './cutover'
import type { StepRunner } from './types'

// The runner of each step kind.

const manualRunner: StepRunner = {
  needsTarget: false,
  // A gate holds the run until a person releases it (lib/server/runs/resolve.ts); a dry run passes it.
  run: async (ctx) =>
    ctx.dryRun
      ? { status: 'SKIPPED', message: 'passed without stopping (dry run)' }
      : { status: 'WAITING', message: `Waiting at the gate “${ctx.step.name}” for a person to release it.` },
}

export const RUNNERS: Record<StepKind, StepRunner> = {
  SQL: sqlRunner,
  MANUAL: manualRunner,
  COPY: copyRunner,
  VALIDATE: validateRunner,
  BACKUP: backupRunner,
  OBSERVE: observeRunner,
  SYNC: syncRunner,
  CUTOVER: cutoverRunner,
}
