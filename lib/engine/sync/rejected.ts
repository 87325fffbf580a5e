import type { ValidationReport } from '@/lib/domain/validation-report'

// A cutover's final validation must match exactly – but a row whose value does not fit the target was never
// copied: the copy rejected it with the reason, and the person who set the step's limit of rejected rows
// accepted that. Such rows are the only difference a cutover lets through, and only when the validation knows
// every differing key (none left unsampled) and each one is a row missing on the target that was rejected.

/** How many rows differ only because they were rejected; null when anything else differs. */
export function onlyRejectedRows(
  report: ValidationReport,
  rejected: ReadonlyMap<string, ReadonlySet<string>>,
): number | null {
  if (report.status === 'PASSED') return 0
  if (report.status !== 'FAILED') return null
  if (report.rules.some((r) => !r.passed && r.action === 'fail') || report.integrity.some((f) => f.count > 0))
    return null
  let rows = 0
  for (const t of report.tables) {
    if (t.state === 'VALIDATED' || t.state === 'NO_PRIMARY_KEY') continue
    const keys = rejected.get(t.table)
    if (t.state !== 'MISMATCHED' || !keys || t.extra || t.changed || t.suspended || t.missing > t.samples.length)
      return null
    if (!t.samples.every((s) => s.kind === 'missing' && keys.has(s.key))) return null
    rows += t.missing
  }
  return rows
}
