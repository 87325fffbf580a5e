import type { RunStatus } from '@/lib/generated/prisma/enums'
import { stateWords } from './words'

// Promotion: a plan lists its environments in order (dev → staging → production), and a phase runs on an
// environment only when the same content – the phase checksum a run is queued with – succeeded on the previous
// one. "Previous" counts only environments with a target connection, where a run can happen; the first has no
// prerequisite. Dry runs change nothing and prove nothing: they neither need promotion nor count for it.

/** A checksum as people compare it: its first 8 hex digits. */
export const shortChecksum = (checksum: string | null) => (checksum ? checksum.slice(0, 8) : 'unknown')

/** A non-dry run of a phase on an environment, as promotion reads it. */
export type PromotionRun = {
  id: string
  status: RunStatus
  contentChecksum: string | null
  /** Set when a DBA started it without promotion. */
  promotionOverrideReason: string | null
}

export type PromotionVerdict =
  | { ok: true }
  | { ok: false; missing: 'never-ran' }
  | { ok: false; missing: 'other-content'; ranChecksum: string | null }
  | { ok: false; missing: 'not-succeeded'; status: RunStatus }

/** The environment before `environmentId` in the plan's order; null for the first, or for one not in the order. */
export function previousEnvironmentOf<T extends { id: string }>(
  ordered: readonly T[],
  environmentId: string,
): T | null {
  const index = ordered.findIndex((e) => e.id === environmentId)
  return index > 0 ? (ordered[index - 1] ?? null) : null
}

/** Whether the phase's runs on the previous environment (newest first) let its content `checksum` run on the next. */
export function promotionVerdict(previousRuns: readonly PromotionRun[], checksum: string): PromotionVerdict {
  if (previousRuns.some((r) => r.status === 'SUCCEEDED' && r.contentChecksum === checksum)) return { ok: true }
  const same = previousRuns.find((r) => r.contentChecksum === checksum)
  if (same) return { ok: false, missing: 'not-succeeded', status: same.status }
  const ran = previousRuns.find((r) => r.status === 'SUCCEEDED') ?? previousRuns[0]
  if (!ran) return { ok: false, missing: 'never-ran' }
  return { ok: false, missing: 'other-content', ranChecksum: ran.contentChecksum }
}

/** What is missing on the previous environment, in a few words ("never ran there"). */
export function missingInWords(verdict: Exclude<PromotionVerdict, { ok: true }>, checksum: string): string {
  if (verdict.missing === 'never-ran') return 'it never ran there'
  if (verdict.missing === 'other-content')
    return `it ran there with other scripts – checksum ${shortChecksum(verdict.ranChecksum)} there, ${shortChecksum(checksum)} now`
  const state = verdict.status
  const words =
    state === 'FAILED' || state === 'ROLLBACK_FAILED'
      ? 'it failed there'
      : state === 'ROLLED_BACK' || state === 'CANCELLED'
        ? `it was ${stateWords(state)} there`
        : `its run there is ${stateWords(state)}, not yet succeeded`
  return `${words} (checksum ${shortChecksum(checksum)})`
}

/** The refusal startRun gives, naming the phase, both environments and what is missing. */
export function promotionRefusal(
  names: { phase: string; environment: string; previous: string },
  verdict: Exclude<PromotionVerdict, { ok: true }>,
  checksum: string,
): string {
  return `“${names.phase}” cannot run on “${names.environment}” yet: it must first succeed on “${names.previous}”, the environment before it in this plan's order, with the same scripts, and ${missingInWords(verdict, checksum)}. Run it on “${names.previous}” first; a DBA can start it anyway with a written reason.`
}

/** One phase × environment cell of the promotion grid. */
export type PromotionCell = {
  environmentId: string
  /** The latest non-dry run there. */
  latest: {
    id: string
    status: RunStatus
    checksum: string
    /** A DBA started it without promotion. */
    overridden: boolean
  } | null
  /** The phase's content changed since the latest run there: it needs running again. */
  isStale: boolean
  /** A run of the current content would be refused here: what is missing on the previous environment. */
  blockedBy: { environmentName: string; missing: string } | null
}

/**
 * The grid row of one phase: for each environment in order, its latest run and whether the phase's current content
 * (`checksum`) may run there now. `runsOn` gives the phase's non-dry runs on an environment, newest first.
 */
export function promotionRow(
  environments: readonly { id: string; name: string }[],
  checksum: string,
  runsOn: (environmentId: string) => readonly PromotionRun[],
): PromotionCell[] {
  return environments.map((environment, index) => {
    const runs = runsOn(environment.id)
    const latest = runs[0] ?? null
    const previous = index > 0 ? environments[index - 1] : undefined
    const verdict = previous ? promotionVerdict(runsOn(previous.id), checksum) : ({ ok: true } as const)
    const done = latest?.status === 'SUCCEEDED' && latest.contentChecksum === checksum
    return {
      environmentId: environment.id,
      latest: latest
        ? {
            id: latest.id,
            status: latest.status,
            checksum: shortChecksum(latest.contentChecksum),
            overridden: latest.promotionOverrideReason !== null,
          }
        : null,
      isStale: latest !== null && latest.contentChecksum !== checksum,
      blockedBy:
        !verdict.ok && !done && previous
          ? { environmentName: previous.name, missing: missingInWords(verdict, checksum) }
          : null,
    }
  })
}
