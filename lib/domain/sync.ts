import { z } from 'zod'
import type { SyncStatus } from '@/lib/generated/prisma/enums'
import { copyConfigOf, storedCopyConfig, type CopyConfig } from './step-kinds'

// Sync and cutover steps: their configurations, what their step runs show, and the words of a sync's states.

/**
 * Sync steps: an initial copy, then the source's changes followed until a cutover step ends it. The copy's
 * settings (tables, schemas, mode, mapping…) are the step's own, or – with `copyStepId` – those of a copy step
 * of the plan, so the sync follows exactly what that step copies. `captureConfirmed`: a person agreed that a
 * SQLite source gets triggers and a change table until the sync ends.
 */
export type SyncConfig = CopyConfig & { copyStepId: string | null; captureConfirmed: boolean }

export function syncConfigOf(json: unknown): SyncConfig {
  const c = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>
  return {
    ...copyConfigOf(json),
    copyStepId: typeof c.copyStepId === 'string' && c.copyStepId ? c.copyStepId : null,
    captureConfirmed: c.captureConfirmed === true,
  }
}

export function storedSyncConfig({ copyStepId, captureConfirmed, ...copy }: SyncConfig) {
  return {
    ...storedCopyConfig(copy),
    ...(copyStepId ? { copyStepId } : {}),
    ...(captureConfirmed ? { captureConfirmed: true } : {}),
  }
}

/**
 * Cutover steps: end a sync of the plan on the run's environment. `syncStepId`: which (null: the plan's only sync
 * step). Writes count as stopped when a manual gate before the cutover in the same run was released; without
 * one, once the source made no change for `quietSeconds`.
 */
export type CutoverConfig = { syncStepId: string | null; quietSeconds: number }

export const CUTOVER_CONFIG_DEFAULTS: CutoverConfig = { syncStepId: null, quietSeconds: 10 }
export const MAX_QUIET_SECONDS = 3600

export function cutoverConfigOf(json: unknown): CutoverConfig {
  const c = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>
  const quiet = c.quietSeconds
  return {
    syncStepId: typeof c.syncStepId === 'string' && c.syncStepId ? c.syncStepId : null,
    quietSeconds:
      typeof quiet === 'number' && Number.isInteger(quiet) && quiet >= 1 && quiet <= MAX_QUIET_SECONDS
        ? quiet
        : CUTOVER_CONFIG_DEFAULTS.quietSeconds,
  }
}

/** One table's lag: changes waiting and the age of the oldest. */
export const ZSyncTableLag = z.object({ table: z.string(), waiting: z.number(), seconds: z.number() })
export type SyncTableLag = z.infer<typeof ZSyncTableLag>

export const CUTOVER_STAGES = [
  'waiting-for-quiet',
  'stopping-follower',
  'draining',
  'sequences',
  'validating',
  'switching',
  'switched',
  'returned',
] as const
export type CutoverStage = (typeof CUTOVER_STAGES)[number]

/** What the run page shows of a cutover step, stage by stage. */
export const ZCutoverDetail = z.object({
  syncId: z.string(),
  stage: z.enum(CUTOVER_STAGES),
  writesStoppedAt: z.string().nullable(),
  /** How writes were known to have stopped: a gate's release, or the quiet the cutover saw. */
  stoppedBy: z.enum(['gate', 'quiet']).nullable(),
  drainedAt: z.string().nullable(),
  sequences: z.array(z.string()),
  validationId: z.string().nullable(),
  switchedAt: z.string().nullable(),
  downtimeMs: z.number().nullable(),
  /** Why the cutover went back to syncing. */
  reason: z.string().nullable(),
  /** PostgreSQL → PostgreSQL: whether the new database's changes flow back into the old one, and if not why. */
  fallback: z.string().nullable().optional(),
})
export type CutoverDetail = z.infer<typeof ZCutoverDetail>

/** A cutover step run's detail, or null when it holds none (or something else). */
export function parseCutoverDetail(json: unknown): CutoverDetail | null {
  const parsed = ZCutoverDetail.safeParse(json)
  return parsed.success ? parsed.data : null
}

/** The words a DBA types to end a sync without a cutover. */
export const END_SYNC_PHRASE = 'end sync'

export const SYNC_STATUS_WORDS: Record<SyncStatus, string> = {
  COPYING: 'initial copy',
  FOLLOWING: 'following',
  CUTTING_OVER: 'cutting over',
  SWITCHED: 'switched',
  ENDED: 'ended',
  FAILED: 'failed',
}
