import { setTimeout as delay } from 'node:timers/promises'
import type { TableResult, ValidationReport } from '@/lib/domain/validation-report'
import { followingSync, syncLag } from '@/lib/server/syncs/record'

// A validation while a sync follows the source sees rows that are merely in flight: changed on the source, not
// yet applied. A table that differs is compared again once the sync has applied every change made before the
// comparison ended (its lag has passed that moment); a difference is reported only when it persists – the
// table still differs and keys that differed before differ again.

const ROUNDS = 3
const CATCH_UP_MS = 60_000

/** Waits until the sync has applied every change made before `moment`; false when it did not within the time. */
async function lagPassed(syncId: string, moment: number, signal?: AbortSignal): Promise<boolean> {
  const until = Date.now() + CATCH_UP_MS
  while (Date.now() < until && !signal?.aborted) {
    const lag = await syncLag(syncId)
    if (!lag || lag.status !== 'FOLLOWING') return false
    const at = lag.lagAt?.getTime() ?? 0
    if (at > moment && (lag.waitingChanges === 0 || at - lag.lagSeconds * 1000 > moment)) return true
    await delay(250)
  }
  return false
}

const keyOf = (s: TableResult['samples'][number]) => `${s.kind}\u0000${s.key}`
/** Every difference of the table is among its samples: its keys are all known. */
const complete = (t: TableResult) => t.missing + t.extra + t.changed <= t.samples.length && !t.suspended

/**
 * A table compared again once the sync passed the first comparison: keys that differ in both persist (only they
 * are reported); when none does and both comparisons knew all their keys, every difference was in flight.
 */
function judged(before: TableResult, now: TableResult): TableResult {
  if (now.state === 'VALIDATED')
    return {
      ...now,
      notes: [
        ...now.notes,
        'Differed while the sync was applying changes made during the comparison; matched once it had applied them.',
      ],
    }
  if (now.state !== 'MISMATCHED') return now
  const earlier = new Set(before.samples.map(keyOf))
  const persisting = now.samples.filter((s) => earlier.has(keyOf(s)))
  if (persisting.length)
    return {
      ...now,
      samples: persisting,
      notes: [
        ...now.notes,
        'These rows differed again after the sync had applied every change made before the first comparison.',
      ],
    }
  if (complete(before) && complete(now))
    return {
      ...now,
      state: 'VALIDATED',
      missing: 0,
      extra: 0,
      changed: 0,
      samples: [],
      notes: [
        ...now.notes,
        'Every row that differed was a change the sync had not applied yet (in flight); none differed twice.',
      ],
    }
  return now
}

export async function settleInFlight(
  first: ValidationReport,
  o: {
    planId: string
    environmentId: string
    revalidate: (tables: string[]) => Promise<ValidationReport>
    signal?: AbortSignal
  },
): Promise<ValidationReport> {
  const sync = await followingSync(o.planId, o.environmentId)
  if (!sync || first.status !== 'FAILED') return first
  const report = structuredClone(first)
  let checks = 0
  for (let round = 0; round < ROUNDS; round++) {
    const differing = report.tables.filter((t) => t.state === 'MISMATCHED')
    if (!differing.length) break
    if (!(await lagPassed(sync.id, Date.now(), o.signal))) {
      report.warnings.push(
        'A sync follows this source and did not catch up within a minute, so differences could not be checked again: some may be changes still in flight.',
      )
      break
    }
    const again = await o.revalidate(differing.map((t) => t.table))
    checks++
    for (const before of differing) {
      const now = again.tables.find((t) => t.table === before.table)
      if (now) report.tables[report.tables.indexOf(before)] = judged(before, now)
    }
  }
  if (checks)
    report.warnings.push(
      `A sync follows this source: tables that differed were compared again once the sync had applied the changes made before each comparison (${checks} time${checks === 1 ? '' : 's'}); only differences that persisted are reported.`,
    )
  const failed =
    report.tables.some((t) => t.state === 'MISMATCHED' || t.state === 'ERROR') ||
    report.integrity.some((f) => f.count > 0) ||
    report.rules.some((r) => !r.passed && r.action === 'fail')
  report.status = failed ? 'FAILED' : 'PASSED'
  return report
}
