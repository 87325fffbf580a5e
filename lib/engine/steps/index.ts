import type { StepKind } from '@/lib/generated/prisma/enums'
import { KIND_NAMES } from './kinds'
import { copyRunner } from './copy'
import { observeRunner } from './observe'
import { sqlRunner } from './sql'
import { validateRunner } from './validate'
import type { StepRunner } from './types'

// The runner of each step kind. Kinds not runnable yet fail with a clear message (and startRun refuses
// phases that contain them, so this is only reached by runs queued before a downgrade).

const manualRunner: StepRunner = {
  needsTarget: false,
  // A gate holds the run until a person releases it (lib/server/runs/resolve.ts); a dry run passes it.
  run: async (ctx) => (ctx.dryRun ? { status: 'SKIPPED', message: 'passed without stopping (dry run)' } : { status: 'WAITING', message: `Waiting at the gate “${ctx.step.name}” for a person to release it.` }),
}

const unavailable = (kind: StepKind): StepRunner => ({
  needsTarget: false,
  run: async () => ({ status: 'FAILED', error: `This version of Lockstep cannot run ${KIND_NAMES[kind]} steps yet.` }),
})

export const RUNNERS: Record<StepKind, StepRunner> = {
  SQL: sqlRunner,
  MANUAL: manualRunner,
  COPY: copyRunner,
  VALIDATE: validateRunner,
  BACKUP: unavailable('BACKUP'),
  OBSERVE: observeRunner,
}
