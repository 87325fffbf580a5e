import type pg from 'pg'
import { nativelyHashed } from './native-hash'
import type { PgType } from '@/lib/engine/copy/sqlite-types'
import { differenceRecorder } from './differences'
import { pairByName } from './pairing'
import type { TableResult } from '@/lib/domain/validation-report'
import type { Digest, Filter, Grouping, Scope, TableShape, ValidationSide } from './model'
import { compareBuckets, compareRanges, sameDigest } from './segments'

// One table compared: its columns paired by name, then by the method its key allows – key ranges for an
// integer key, key-hash buckets for another key, count and whole-table checksum without one.

export type PostgresTargetSide = ValidationSide & {
  client(): Promise<pg.Client>
  schema: string
  nativeHash(): Promise<boolean>
}

/** What comparing a table needs of the validation: both sides, their limits and its progress. */
export type CompareContext = {
  source: ValidationSide
  target: PostgresTargetSide
  /** Both sides can hash rows natively (PostgreSQL 14 or later, or a SQLite source): checksums from hash_record_extended. */
  native: boolean
  maxSamples: number
  maxDifferences: number
  progress(): void
  checkCancelled(): void
  onDifference?: (schema: string, table: string, key: string) => void
  changedKeys?: (schema: string, table: string) => readonly string[] | null
}

/** Keys as inclusive ranges, neighbours joined. */
function keyRanges(keys: readonly string[]): [bigint, bigint][] {
  const sorted = [...new Set(keys.map((k) => BigInt(k)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const ranges: [bigint, bigint][] = []
  for (const k of sorted) {
    const last = ranges[ranges.length - 1]
    if (last && last[1] + 1n === k) last[1] = k
    else ranges.push([k, k])
  }
  return ranges
}
const INTEGER_TEXT = /^-?\d+$/

const INTEGER_KINDS = new Set(['smallint', 'integer', 'bigint'])
/** Built-in types whose hash functions agree on equal values (integers of any width hash alike, as do text and varchar). */
const NATIVE_KINDS = new Set([
  'smallint',
  'integer',
  'bigint',
  'numeric',
  'double',
  'boolean',
  'bytea',
  'date',
  'time',
  'timestamptz',
  'timestamp',
  'jsonb',
  'uuid',
])
const TEXT_TYPES = /^(text|character varying(\(\d+\))?|varchar\(\d+\))$/

function sameHashType(a: PgType, b: PgType): boolean {
  if (INTEGER_KINDS.has(a.kind) && INTEGER_KINDS.has(b.kind)) return true
  if (a.kind !== b.kind) return false
  if (a.kind === 'text' || a.kind === 'varchar') return TEXT_TYPES.test(a.sql) && TEXT_TYPES.test(b.sql)
  // json (unlike jsonb) has no hash function; real and double precision differ in value.
  if (a.kind === 'jsonb') return a.sql === 'jsonb' && b.sql === 'jsonb'
  return NATIVE_KINDS.has(a.kind) && (a.kind !== 'double' || a.sql === b.sql)
}

/**
 * The key rows are paired by, on each side: the source's primary key, when the target's primary key is the same
 * columns (`targetName` gives the target's name of a source column); else none.
 */
function keyOf(
  source: TableShape,
  target: TableShape,
  targetName: (column: string) => string | undefined,
): { source: string[]; target: string[] } {
  const none = { source: [], target: [] }
  if (!source.primaryKey.length || source.primaryKey.length !== target.primaryKey.length) return none
  const mapped = source.primaryKey.map(targetName)
  return mapped.every((k): k is string => !!k && target.primaryKey.includes(k))
    ? { source: source.primaryKey, target: mapped }
    : none
}

/** Compares one table into `result`; throws when nothing of it can be compared. */
export async function compareTable(
  context: CompareContext,
  sourceTable: TableShape,
  targetTable: TableShape,
  result: TableResult,
) {
  const { source, target, native, maxDifferences, progress } = context
  const pairing = pairByName(sourceTable.columns, targetTable.columns)
  const common = pairing.pairs
  const sourceOnly = pairing.sourceOnly.map((c) => c.name)
  const targetOnly = pairing.targetOnly.map((c) => c.name)
  if (!common.length) {
    throw new Error(
      `The source's “${sourceTable.name}” and the target's “${targetTable.name}” have no column in common (source: ${sourceOnly.join(', ') || 'none'}; target: ${targetOnly.join(', ') || 'none'}); nothing could be compared.`,
    )
  }
  if (pairing.folded.length) result.notes.push(`columns matched ignoring case: ${pairing.folded.join(', ')}`)
  if (sourceOnly.length)
    result.notes.push(`missing on the target: ${sourceOnly.join(', ')} – the table cannot be shown equal`)
  if (targetOnly.length) result.notes.push(`only in the target, not compared: ${targetOnly.join(', ')}`)

  // SQLite values are read as the target's column types (what the copy made of them); PostgreSQL sources as their own.
  const targetName = (column: string) => common.find((p) => p.source.name === column)?.target.name
  const key = keyOf(sourceTable, targetTable, targetName)
  // A SQLite source is read as the target's types: native when each of them has a JavaScript twin of its hash.
  const nativeTypes =
    source.engine === 'sqlite'
      ? common.every((p) => nativelyHashed(p.target.type))
      : common.every((p) => sameHashType(p.source.type, p.target.type))
  const hash = native && nativeTypes ? 'native' : 'text'
  const sourceScope: Scope = {
    table: sourceTable,
    key: key.source,
    hash,
    columns: common.map((p) => ({
      name: p.source.name,
      type: source.engine === 'sqlite' ? p.target.type : p.source.type,
    })),
  }
  const targetScope: Scope = {
    table: targetTable,
    key: key.target,
    hash,
    columns: common.map((p) => ({ name: p.target.name, type: p.target.type })),
  }
  const bothDigests = (filter: Filter, grouping: Grouping) =>
    Promise.all([source.digests(sourceScope, filter, grouping), target.digests(targetScope, filter, grouping)])

  const counted = async () => {
    const [sourceRows, targetRows] = await Promise.all([source.count(sourceTable), target.count(targetTable)])
    result.sourceRows = sourceRows
    result.targetRows = targetRows
    progress()
    return [sourceRows, targetRows] as const
  }
  // The first pass over every row counts them too: a table is read once for its counts and checksums, and its
  // size beforehand is the sides' estimate (a count only when one has none).
  const firstPass = async (filter: Filter, grouping: Grouping) => {
    const digests = await bothDigests(filter, grouping)
    const total = (d: Map<string, Digest>) => [...d.values()].reduce((n, x) => n + x.count, 0)
    result.sourceRows = total(digests[0])
    result.targetRows = total(digests[1])
    return digests
  }
  const estimated = async () => {
    const [a, b] = await Promise.all([source.estimate?.(sourceTable), target.estimate?.(targetTable)])
    return a != null && b != null ? Math.max(a, b) : Math.max(...(await counted()))
  }

  if (!key.source.length) {
    result.method = 'whole-table'
    const whole: Filter = { kind: 'all' }
    const [a, b] = await firstPass(whole, { kind: 'none' })
    result.compared = Math.max(result.sourceRows ?? 0, result.targetRows ?? 0)
    const equal = sameDigest(a.get(''), b.get(''))
    const why =
      !sourceTable.primaryKey.length || !targetTable.primaryKey.length ? 'no primary key' : 'the primary keys differ'
    result.notes.push(
      `${why}: compared by row count and whole-table checksum – ${equal ? 'equal' : 'they differ; without a key the differing rows cannot be told apart'}`,
    )
    result.state = equal && !sourceOnly.length ? 'NO_PRIMARY_KEY' : 'MISMATCHED'
    return
  }

  // Whether any checksum differed: then the table is not shown equal, even if no row differed when fetched.
  let checksumsDiffered = false
  const recorder = differenceRecorder(
    result,
    common.map((p) => p.source.name),
    context,
    context.onDifference && ((k) => context.onDifference?.(target.schema, targetTable.name, k)),
  )
  let first = true
  const search = {
    ...recorder,
    result,
    rows: 0,
    maxDifferences,
    bothDigests: (filter: Filter, grouping: Grouping) => {
      const pass = first ? firstPass(filter, grouping) : bothDigests(filter, grouping)
      first = false
      return pass
    },
    bothRows: (filter: Filter, limit: number) =>
      Promise.all([source.rows(sourceScope, filter, limit), target.rows(targetScope, filter, limit)]),
    checksumsDiffered: () => (checksumsDiffered = true),
    progress,
    checkCancelled: context.checkCancelled,
  }
  const [sourceKey] = key.source
  const [targetKey] = key.target
  const integerKey =
    key.source.length === 1 &&
    INTEGER_KINDS.has(sourceScope.columns.find((c) => c.name === sourceKey)?.type.kind ?? '') &&
    INTEGER_KINDS.has(targetScope.columns.find((c) => c.name === targetKey)?.type.kind ?? '')
  const changed = integerKey ? (context.changedKeys?.(target.schema, targetTable.name) ?? null) : null
  if (changed && changed.every((k) => INTEGER_TEXT.test(k))) {
    // Rows no change reached since a validation that passed are as it found them: only the changed ones are compared.
    result.method = 'changed-rows'
    const [sourceRows, targetRows] = await counted()
    const ranges = keyRanges(changed)
    const [s, t] = ranges.length
      ? await search.bothRows({ kind: 'ranges', ranges }, changed.length + 1)
      : [new Map(), new Map()]
    recorder.record(s, t)
    result.compared = changed.length
    const countsDiffer = sourceRows !== targetRows && !recorder.differences()
    result.state = recorder.differences() || countsDiffer || sourceOnly.length ? 'MISMATCHED' : 'VALIDATED'
    result.notes.push(
      `${changed.length.toLocaleString('en')} row${changed.length === 1 ? '' : 's'} compared one by one`,
    )
    if (countsDiffer)
      result.notes.push(
        `the row counts differ (${sourceRows.toLocaleString('en')} on the source, ${targetRows.toLocaleString('en')} on the target) though every changed row matches: something other than the sync changed the target – validate it in full`,
      )
    return
  }
  search.rows = await estimated()
  const bounds =
    integerKey && sourceKey && targetKey
      ? await Promise.all([source.bounds(sourceTable, sourceKey), target.bounds(targetTable, targetKey)])
      : null
  if (bounds && !bounds.some((b) => b?.mixed)) {
    result.method = 'key-ranges'
    const [first, ...rest] = bounds.filter((b): b is { min: bigint; max: bigint } => !!b)
    if (first) {
      const lo = rest.reduce((m, b) => (b.min < m ? b.min : m), first.min)
      const hi = rest.reduce((m, b) => (b.max > m ? b.max : m), first.max)
      await compareRanges(search, lo, hi)
    }
  } else {
    result.method = 'key-hash'
    await compareBuckets(search, [], 2)
  }
  result.compared = Math.max(result.sourceRows ?? 0, result.targetRows ?? 0)
  const unexplained = checksumsDiffered && recorder.differences() === 0
  // A target that lacks a column the source has is never shown equal, whatever its rows hold.
  result.state = recorder.differences() || unexplained || sourceOnly.length ? 'MISMATCHED' : 'VALIDATED'
  if (unexplained)
    result.notes.push('checksums differ, but no row differs when compared one by one: the table cannot be shown equal')
  if (result.suspended && !unexplained)
    result.notes.push(`stopped after ${maxDifferences} differences: the counts are at least these`)
}
