import type pg from 'pg'
import type { ValidationReport } from '@/lib/domain/validation-report'
import type { ValidationOptions } from '@/lib/engine/validate/model'
import { checkedSince, checkedTableKey, forgetCheck, recordCheck, syncMark, type SyncMark } from './apply'

// A full validation while a sync follows spares the cutover most of its work: the target's applier notes the key
// of every row each batch changes, so once a validation has compared every row (from a known batch on), the
// cutover – while the application waits – compares only the rows changed after it, and those that differed
// during it (in flight, or really different), and the row counts. A validation that could not tell every
// differing key (too many differences, a table without a key, an error) records nothing: the cutover then
// compares every row.

export type SyncCheck = {
  /** For the validation's options: collects the keys of the rows that differ. */
  onDifference: NonNullable<ValidationOptions['onDifference']>
  /**
   * Records the validation for the cutover when it can serve, and says whether it did; one that found differences
   * it cannot name undoes an earlier record (the target may have changed some other way).
   */
  record(report: ValidationReport): Promise<boolean>
}

/**
 * Each differing row of every table is known: every table was compared by key to the end, each differing row
 * counted and keyed. A segment whose checksums differed while its rows, fetched a moment later, did not was
 * passing through a change the sync applied meanwhile: such a change is among those noted after the mark, so the
 * segment's other rows are shown equal all the same.
 */
function everyDifferenceKnown(report: ValidationReport): boolean {
  if (report.status !== 'PASSED' && report.status !== 'FAILED') return false
  return report.tables.every(
    (t) =>
      t.state === 'VALIDATED' ||
      (t.state === 'MISMATCHED' && !t.suspended && (t.method === 'key-ranges' || t.method === 'key-hash')),
  )
}

/** Begins a check of the sync `syncId` on its target (`client`, held until `record`); null when the target has no record of it. */
export async function beginSyncCheck(client: pg.Client, syncId: string): Promise<SyncCheck | null> {
  const mark: SyncMark | null = await syncMark(client, syncId)
  if (!mark) return null
  const differing = new Map<string, { schema: string; table: string; keys: string[] }>()
  return {
    onDifference(schema, table, key) {
      const name = checkedTableKey(schema, table)
      const entry = differing.get(name) ?? { schema, table, keys: [] }
      entry.keys.push(key)
      differing.set(name, entry)
    },
    async record(report) {
      if (!everyDifferenceKnown(report)) {
        if (report.status === 'FAILED') await forgetCheck(client, syncId)
        return false
      }
      return recordCheck(client, syncId, mark, [...differing.values()])
    },
  }
}

/**
 * For the cutover's validation: the rows to compare when a check was recorded (the options to add), or null
 * when every row must be compared.
 */
export async function sinceCheck(
  client: pg.Client,
  syncId: string,
): Promise<{ changedKeys: NonNullable<ValidationOptions['changedKeys']>; rows: number } | null> {
  const changed = await checkedSince(client, syncId)
  if (!changed) return null
  return {
    changedKeys: (schema, table) => changed.get(checkedTableKey(schema, table)) ?? [],
    rows: [...changed.values()].reduce((n, keys) => n + keys.length, 0),
  }
}
