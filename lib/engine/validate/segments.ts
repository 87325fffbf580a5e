import type { DifferenceRecorder } from './differences'
import type { TableResult } from '@/lib/domain/validation-report'
import type { Digest, Filter, Grouping, Rows } from './model'

// The search for differing rows, the way data-diff does it: both sides checksum segments of the key space,
// segments that agree are done, those that differ are split and compared again, down to segments small
// enough to compare row by row. Integer keys are split into ranges, other keys into buckets by the MD5 of the key.

/**
 * The first pass splits a table's key range into segments of about TOP_SEGMENT_ROWS rows (at most
 * MAX_SEGMENTS of them; the pass costs the same however many there are), so that scattered differences
 * are mostly found in one pass plus a small fetch; each later pass splits differing segments 16 ways.
 */
const TOP_SEGMENT_ROWS = 64
const MAX_SEGMENTS = 65_536
const SUB_SEGMENTS = 16
/** Segments of at most this many rows are compared row by row. */
const LEAF_ROWS = 256
/** Key-hash buckets are compared row by row once the differing ones hold at most this many rows together. */
const LEAF_BATCH_ROWS = 5_000

export const sameDigest = (a: Digest | undefined, b: Digest | undefined) =>
  (a?.count ?? 0) === (b?.count ?? 0) && (a?.h1 ?? 0) === (b?.h1 ?? 0) && (a?.h2 ?? 0) === (b?.h2 ?? 0)

/** The segments whose count or checksum differ between the two sides (a segment one side lacks counts as empty). */
const differingBuckets = (a: Map<string, Digest>, b: Map<string, Digest>) =>
  [...new Set([...a.keys(), ...b.keys()])].filter((k) => !sameDigest(a.get(k), b.get(k)))

/** The parts of [from, to] inside `ranges` (sorted, disjoint). */
function clip(from: bigint, to: bigint, ranges: readonly [bigint, bigint][]): [bigint, bigint][] {
  const pieces: [bigint, bigint][] = []
  for (const [lo, hi] of ranges) {
    if (hi < from) continue
    if (lo > to) break
    pieces.push([lo > from ? lo : from, hi < to ? hi : to])
  }
  return pieces
}

/** One table's search: both sides' checksums and rows for a filter, and where the findings go. */
export type SegmentSearch = DifferenceRecorder & {
  result: TableResult
  /** The larger of the two sides' row counts. */
  rows: number
  maxDifferences: number
  bothDigests(filter: Filter, grouping: Grouping): Promise<[Map<string, Digest>, Map<string, Digest>]>
  bothRows(filter: Filter, limit: number): Promise<[Rows, Rows]>
  /** Some checksum differed: the table is then not shown equal, even if no row differed when fetched. */
  checksumsDiffered(): void
  progress(): void
  checkCancelled(): void
}

/**
 * Level by level: each level is one pass per side over the key ranges still differing, bucketed on a
 * grid of `width` keys (16 times finer at each level); buckets that differ become
 * the next level's ranges, or – at most LEAF_ROWS rows – are compared row by row, all in one fetch.
 */
export async function compareRanges(search: SegmentSearch, lo: bigint, hi: bigint): Promise<void> {
  const { result, maxDifferences } = search
  let ranges: [bigint, bigint][] = [[lo, hi]]
  const segments = BigInt(Math.min(MAX_SEGMENTS, Math.max(64, Math.ceil(search.rows / TOP_SEGMENT_ROWS))))
  let width = (hi - lo + segments) / segments
  for (let level = 0; ranges.length; level++) {
    search.checkCancelled()
    const filter: Filter =
      ranges.length === 1
        ? { kind: 'range', lo: (ranges[0] as [bigint, bigint])[0], hi: (ranges[0] as [bigint, bigint])[1] }
        : { kind: 'ranges', ranges }
    const grouping = { kind: 'range', lo, width } as const
    const [a, b] = await search.bothDigests(filter, grouping)
    if (level === 0) {
      result.compared = search.rows
      search.progress()
    }
    const differing = differingBuckets(a, b).sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1))
    if (differing.length) search.checksumsDiffered()
    const leaves: [bigint, bigint][] = []
    const next: [bigint, bigint][] = []
    let leafRows = 0
    for (const bucket of differing) {
      const from = lo + BigInt(bucket) * width
      const to = from + width - 1n < hi ? from + width - 1n : hi
      const rows = Math.max(a.get(bucket)?.count ?? 0, b.get(bucket)?.count ?? 0)
      // The bucket's part inside this level's ranges (the grid does not follow their edges).
      const pieces = clip(from, to, ranges)
      if (rows <= LEAF_ROWS || to - from < BigInt(LEAF_ROWS)) {
        leaves.push(...pieces)
        leafRows += rows
      } else next.push(...pieces)
    }
    if (leaves.length) {
      const leaf: Filter = { kind: 'ranges', ranges: leaves }
      const [s, t] = await search.bothRows(leaf, leafRows + 1)
      search.record(s, t)
    }
    if (result.suspended || search.differences() >= maxDifferences) {
      if (next.length) result.suspended = true
      return
    }
    // Only as many ranges as the threshold can still use.
    ranges = next.slice(0, Math.max(1, maxDifferences - search.differences()))
    if (ranges.length < next.length) result.suspended = true
    width = (width + BigInt(SUB_SEGMENTS) - 1n) / BigInt(SUB_SEGMENTS)
  }
}

/** Buckets by the first `length` hex digits of the key's MD5, two more digits at each level. */
export async function compareBuckets(search: SegmentSearch, prefixes: string[], length: number): Promise<void> {
  const { result } = search
  const filter: Filter = prefixes.length ? { kind: 'prefix', prefixes } : { kind: 'all' }
  const [a, b] = await search.bothDigests(filter, { kind: 'prefix', length })
  if (!prefixes.length) {
    result.compared = search.rows
    search.progress()
  }
  const differing = differingBuckets(a, b).sort()
  if (!differing.length) return
  search.checksumsDiffered()
  search.checkCancelled()
  const rows = differing.reduce((n, k) => n + Math.max(a.get(k)?.count ?? 0, b.get(k)?.count ?? 0), 0)
  if (rows <= LEAF_BATCH_ROWS || length >= 32) {
    const leaf: Filter = { kind: 'prefix', prefixes: differing }
    const [s, t] = await search.bothRows(leaf, rows + 1)
    search.record(s, t)
    return
  }
  // Too many differences to fetch at once: only as many buckets as the threshold can still use.
  const budget = Math.max(1, search.maxDifferences - search.differences())
  const next = differing.slice(0, budget)
  if (next.length < differing.length) result.suspended = true
  await compareBuckets(search, next, Math.min(32, length + 2))
}
