import { readableValue } from './canonical'
import type { Difference, TableResult } from '@/lib/domain/validation-report'
import type { Rows } from './model'

// Rows fetched from both sides, compared one by one: missing, extra and changed rows counted in the table's
// result, the first of them kept as samples, and the count stopped at the limit (the table then suspended).

/** The key as people read it: `42`, or `(7, eu)` for a composite key. */
const shownKey = (key: string) =>
  key.includes('\u001f')
    ? `(${key
        .split('\u001f')
        .map((v) => readableValue(v) ?? 'NULL')
        .join(', ')})`
    : (readableValue(key) ?? 'NULL')

export type DifferenceRecorder = {
  /** Compares the rows of both sides by key, recording each difference in the result. */
  record(sourceSide: Rows, targetSide: Rows): void
  /** Differences recorded so far. */
  differences(): number
}

/** `columns`: the compared columns by their source names, in the order the rows hold their values. */
export function differenceRecorder(
  result: TableResult,
  columns: readonly string[],
  limits: { maxSamples: number; maxDifferences: number },
  onDifference?: (key: string) => void,
): DifferenceRecorder {
  const differences = () => result.missing + result.extra + result.changed
  const record = (sourceSide: Rows, targetSide: Rows) => {
    const keys = new Set([...sourceSide.keys(), ...targetSide.keys()])
    for (const k of keys) {
      if (differences() >= limits.maxDifferences) {
        result.suspended = true
        return
      }
      const s = sourceSide.get(k)
      const t = targetSide.get(k)
      let difference: Difference | null = null
      if (s && !t) {
        result.missing++
        difference = {
          kind: 'missing',
          key: shownKey(k),
          columns: columns.map((column, i) => ({ column, source: readableValue(s[i] as string), target: null })),
        }
      } else if (!s && t) {
        result.extra++
        difference = {
          kind: 'extra',
          key: shownKey(k),
          columns: columns.map((column, i) => ({ column, source: null, target: readableValue(t[i] as string) })),
        }
      } else if (s && t) {
        const changed = columns.flatMap((column, i) =>
          s[i] === t[i]
            ? []
            : [{ column, source: readableValue(s[i] as string), target: readableValue(t[i] as string) }],
        )
        if (changed.length) {
          result.changed++
          difference = { kind: 'changed', key: shownKey(k), columns: changed }
        }
      }
      if (difference) onDifference?.(k)
      if (difference && result.samples.length < limits.maxSamples) result.samples.push(difference)
    }
  }
  return { record, differences }
}
