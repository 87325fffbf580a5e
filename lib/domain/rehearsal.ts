import { z } from 'zod'
import { shortId } from './short-id'
import { parseStored } from './stored-json'

// Comparing two schema snapshots key by key. A rehearsal makes two comparisons: before the up against
// after the rollback (did the rollback restore the schema?), and after the first up against after the
// second (does the up repeat after a rollback?).

/** A SQL step as a rehearsal runs it: its script, and its rollback script if it has one. */
export type RehearsalStep = { name: string; body: string; rollbackBody: string | null }

/** `objectKey → definition`, keys sorted; e.g. `index public.orders_status_idx → CREATE INDEX …`. */
export type SchemaSnapshot = Record<string, string>

export const ZDifference = z.object({
  key: z.string(),
  /** `missing`: in the first snapshot only; `extra`: in the second only; `changed`: in both, defined differently. */
  kind: z.enum(['missing', 'extra', 'changed']),
  before: z.string().nullable(),
  after: z.string().nullable(),
})
export type Difference = z.infer<typeof ZDifference>

export const ZDiff = z.object({ identical: z.boolean(), differences: z.array(ZDifference) })
export type Diff = z.infer<typeof ZDiff>

/** RollbackRehearsal.differences: the rollback's comparison and the second up's, each when it was made. */
export const ZRehearsalDifferences = z.object({ rollback: ZDiff.optional(), repeat: ZDiff.optional() })
export const parseRehearsalDifferences = (json: unknown, rehearsalId: string) =>
  parseStored(ZRehearsalDifferences, json, `differences of rehearsal ${shortId(rehearsalId)}`)

/** Which comparison a difference comes from, for the words that describe it. */
export type Comparison = 'rollback' | 'repeat'

export function diffSnapshots(before: SchemaSnapshot, after: SchemaSnapshot): Diff {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  )
  const differences: Difference[] = []
  for (const key of keys) {
    const was = Object.hasOwn(before, key) ? (before[key] ?? null) : null
    const is = Object.hasOwn(after, key) ? (after[key] ?? null) : null
    if (was === is) continue
    differences.push({
      key,
      kind: is === null ? 'missing' : was === null ? 'extra' : 'changed',
      before: was,
      after: is,
    })
  }
  return { identical: differences.length === 0, differences }
}

// Function bodies and view definitions span lines; a report line should not.
const oneLine = (definition: string | null) => (definition ?? '').replace(/\s+/g, ' ').trim()

const WORDS: Record<Comparison, { after: string; notBefore: string; first: string; second: string }> = {
  rollback: {
    after: 'after the rollback',
    notBefore: 'but not before the up',
    first: 'before the up',
    second: 'after the rollback',
  },
  repeat: {
    after: 'after the second up',
    notBefore: 'but not after the first up',
    first: 'after the first up',
    second: 'after the second up',
  },
}

/** One plain-English line, e.g. "index public.orders_status_idx is missing after the rollback (CREATE INDEX …)". */
export function describeDifference(d: Difference, comparison: Comparison = 'rollback'): string {
  const words = WORDS[comparison]
  switch (d.kind) {
    case 'missing':
      return `${d.key} is missing ${words.after} (${oneLine(d.before)})`
    case 'extra':
      return `${d.key} exists ${words.after} ${words.notBefore} (${oneLine(d.after)})`
    case 'changed':
      return `${d.key} differs ${words.after}: ${words.first} “${oneLine(d.before)}”, ${words.second} “${oneLine(d.after)}”`
  }
}
