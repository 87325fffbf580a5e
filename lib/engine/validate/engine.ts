import type pg from 'pg'
import type { PgType } from '@/lib/engine/copy/sqlite-types'
import { readableValue } from './canonical'
import { checkIntegrity, runRules } from './integrity'
import { inTargetNames, pairByName } from './pairing'
import {
  VALIDATION_DEFAULTS,
  type Digest,
  type Filter,
  type Grouping,
  type Rows,
  type Scope,
  type TableShape,
  type ValidationOptions,
  type ValidationSide,
} from './model'
import type { Difference, TableResult, ValidationReport } from '@/lib/domain/validation-report'

// Validation of a target against its source, table by table, the way data-diff does it: both sides
// compute a row count and a checksum per segment of the key space, segments that agree are done, those
// that differ are split and compared again, down to segments small enough to compare row by row – so the
// rows that differ are found at the cost of reading the table about once. Integer keys are split into
// ranges; other keys into buckets by the MD5 of the key; tables without a primary key are compared by
// count and whole-table checksum. Then the target's integrity (orphans, NOT NULL, unique) and custom rules.

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

export class ValidationCancelled extends Error {
  constructor() {
    super('The validation was cancelled.')
  }
}

const sameDigest = (a: Digest | undefined, b: Digest | undefined) =>
  (a?.count ?? 0) === (b?.count ?? 0) && (a?.h1 ?? 0) === (b?.h1 ?? 0) && (a?.h2 ?? 0) === (b?.h2 ?? 0)

/** The segments whose count or checksum differ between the two sides (a segment one side lacks counts as empty). */
const differingBuckets = (a: Map<string, Digest>, b: Map<string, Digest>) =>
  [...new Set([...a.keys(), ...b.keys()])].filter((k) => !sameDigest(a.get(k), b.get(k)))

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

/** The key as people read it: `42`, or `(7, eu)` for a composite key. */
const shownKey = (key: string) =>
  key.includes('\u001f')
    ? `(${key
        .split('\u001f')
        .map((v) => readableValue(v) ?? 'NULL')
        .join(', ')})`
    : (readableValue(key) ?? 'NULL')

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

export type PostgresTargetSide = ValidationSide & {
  client(): Promise<pg.Client>
  schema: string
  nativeHash(): Promise<boolean>
}

export async function runValidation(
  source: ValidationSide,
  target: PostgresTargetSide,
  options: ValidationOptions = {},
): Promise<ValidationReport> {
  const started = performance.now()
  const maxSamples = options.maxSamples ?? VALIDATION_DEFAULTS.maxSamples
  const maxDifferences = options.maxDifferences ?? VALIDATION_DEFAULTS.maxDifferences
  const report: ValidationReport = {
    status: 'RUNNING',
    source: source.label,
    target: target.label,
    tables: [],
    integrity: [],
    integrityChecked: 0,
    rules: [],
    warnings: [],
    seconds: 0,
  }
  const progress = () => {
    report.seconds = (performance.now() - started) / 1000
    options.onProgress?.(structuredClone(report))
  }
  const checkCancelled = () => {
    if (options.signal?.aborted) throw new ValidationCancelled()
  }

  const [sourceTables, targetTables] = await Promise.all([source.tables(), target.tables()])
  const native =
    source.engine === 'postgres' && (await source.nativeHash?.()) === true && (await target.nativeHash()) === true
  const only = options.tables?.length ? options.tables : null
  const unknown = (only ?? []).filter((name) => !sourceTables.some((t) => t.name === name))
  if (unknown.length) throw new Error(`The source has no table ${unknown.map((m) => `“${m}”`).join(', ')}.`)
  const chosen = sourceTables.filter((t) => !only || only.includes(t.name))
  const tables = pairByName(chosen, targetTables)
  const targetOf = (sourceTable: TableShape) => tables.pairs.find((p) => p.source === sourceTable)?.target
  report.tables = chosen.map((t) => ({
    table: t.name,
    state: 'PENDING',
    sourceRows: null,
    targetRows: null,
    method: null,
    missing: 0,
    extra: 0,
    changed: 0,
    samples: [],
    suspended: false,
    compared: 0,
    notes: [],
    seconds: 0,
  }))
  progress()

  try {
    for (const [i, sourceTable] of chosen.entries()) {
      checkCancelled()
      const result = report.tables[i] as TableResult
      const targetTable = targetOf(sourceTable)
      const tableStarted = performance.now()
      result.state = 'VALIDATING'
      progress()
      try {
        if (!targetTable) throw new Error(`The target has no table “${sourceTable.name}”.`)
        if (targetTable.name !== sourceTable.name)
          result.notes.push(`compared with the target's table “${targetTable.name}” (the same name ignoring case)`)
        await compareTable(sourceTable, targetTable, result)
      } catch (error) {
        if (error instanceof ValidationCancelled) throw error
        result.state = 'ERROR'
        result.error = (error as Error).message
      }
      result.seconds = (performance.now() - tableStarted) / 1000
      progress()
    }

    // The integrity checks read the target by the source's constraints, so the source speaks the target's names.
    const columnPairings = new Map(
      tables.pairs.map((p) => [p.source.name, pairByName(p.source.columns, p.target.columns)]),
    )
    const tableName = (name: string) => tables.pairs.find((p) => p.source.name === name)?.target.name
    const columnName = (table: string, column: string) =>
      columnPairings.get(table)?.pairs.find((p) => p.source.name === column)?.target.name
    const compared = tables.pairs.map((p) => ({
      source: inTargetNames(p.source, tableName, columnName),
      target: p.target,
    }))
    const client = await target.client()
    if (options.integrity ?? VALIDATION_DEFAULTS.integrity) {
      checkCancelled()
      const integrity = await checkIntegrity(client, target.schema, compared, targetTables)
      report.integrity = integrity.findings
      report.integrityChecked = integrity.checked
      progress()
    }
    if (options.rules?.length) {
      checkCancelled()
      report.rules = await runRules(client, options.rules)
      for (const rule of report.rules)
        if (!rule.passed && rule.action === 'warn')
          report.warnings.push(
            `Rule “${rule.name}”: ${rule.error ?? `${rule.violations} violating row${rule.violations === 1 ? '' : 's'}`}.`,
          )
    }
    const failed =
      report.tables.some((t) => t.state === 'MISMATCHED' || t.state === 'ERROR') ||
      report.integrity.some((f) => f.count > 0) ||
      report.rules.some((r) => !r.passed && r.action === 'fail')
    report.status = failed ? 'FAILED' : 'PASSED'
  } catch (error) {
    if (!(error instanceof ValidationCancelled)) throw error
    report.status = 'CANCELLED'
    for (const t of report.tables)
      if (t.state === 'VALIDATING' || t.state === 'PENDING') t.notes.push('not finished: the validation was cancelled')
  }
  progress()
  return report

  async function compareTable(sourceTable: TableShape, targetTable: TableShape, result: TableResult) {
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
    const hash = native && common.every((p) => sameHashType(p.source.type, p.target.type)) ? 'native' : 'text'
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
    const columns = common.map((p) => p.source.name)
    const bothDigests = (filter: Filter, grouping: Grouping) =>
      Promise.all([source.digests(sourceScope, filter, grouping), target.digests(targetScope, filter, grouping)])
    const bothRows = (filter: Filter, limit: number) =>
      Promise.all([source.rows(sourceScope, filter, limit), target.rows(targetScope, filter, limit)])

    const [sourceRows, targetRows] = await Promise.all([source.count(sourceTable), target.count(targetTable)])
    result.sourceRows = sourceRows
    result.targetRows = targetRows
    progress()

    const differences = () => result.missing + result.extra + result.changed
    // Whether any checksum differed: then the table is not shown equal, even if no row differed when fetched.
    let checksumsDiffered = false
    const record = (sourceSide: Rows, targetSide: Rows) => {
      const keys = new Set([...sourceSide.keys(), ...targetSide.keys()])
      for (const k of keys) {
        if (differences() >= maxDifferences) {
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
        if (difference && result.samples.length < maxSamples) result.samples.push(difference)
      }
    }

    if (!key.source.length) {
      result.method = 'whole-table'
      const whole: Filter = { kind: 'all' }
      const [a, b] = await bothDigests(whole, { kind: 'none' })
      result.compared = Math.max(sourceRows, targetRows)
      const equal = sameDigest(a.get(''), b.get(''))
      const why =
        !sourceTable.primaryKey.length || !targetTable.primaryKey.length ? 'no primary key' : 'the primary keys differ'
      result.notes.push(
        `${why}: compared by row count and whole-table checksum – ${equal ? 'equal' : 'they differ; without a key the differing rows cannot be told apart'}`,
      )
      result.state = equal && !sourceOnly.length ? 'NO_PRIMARY_KEY' : 'MISMATCHED'
      return
    }

    const [sourceKey] = key.source
    const [targetKey] = key.target
    const integerKey =
      key.source.length === 1 &&
      INTEGER_KINDS.has(sourceScope.columns.find((c) => c.name === sourceKey)?.type.kind ?? '') &&
      INTEGER_KINDS.has(targetScope.columns.find((c) => c.name === targetKey)?.type.kind ?? '')
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
        await compareRanges(lo, hi)
      }
    } else {
      result.method = 'key-hash'
      await compareBuckets([], 2)
    }
    result.compared = Math.max(sourceRows, targetRows)
    const unexplained = checksumsDiffered && differences() === 0
    // A target that lacks a column the source has is never shown equal, whatever its rows hold.
    result.state = differences() || unexplained || sourceOnly.length ? 'MISMATCHED' : 'VALIDATED'
    if (unexplained)
      result.notes.push(
        'checksums differ, but no row differs when compared one by one: the table cannot be shown equal',
      )
    if (result.suspended && !unexplained)
      result.notes.push(`stopped after ${maxDifferences} differences: the counts are at least these`)

    /**
     * Level by level: each level is one pass per side over the key ranges still differing, bucketed on a
     * grid of `width` keys (16 times finer at each level); buckets that differ become
     * the next level's ranges, or – at most LEAF_ROWS rows – are compared row by row, all in one fetch.
     */
    async function compareRanges(lo: bigint, hi: bigint): Promise<void> {
      let ranges: [bigint, bigint][] = [[lo, hi]]
      const segments = BigInt(
        Math.min(MAX_SEGMENTS, Math.max(64, Math.ceil(Math.max(sourceRows, targetRows) / TOP_SEGMENT_ROWS))),
      )
      let width = (hi - lo + segments) / segments
      for (let level = 0; ranges.length; level++) {
        checkCancelled()
        const filter: Filter =
          ranges.length === 1
            ? { kind: 'range', lo: (ranges[0] as [bigint, bigint])[0], hi: (ranges[0] as [bigint, bigint])[1] }
            : { kind: 'ranges', ranges }
        const grouping = { kind: 'range', lo, width } as const
        const [a, b] = await bothDigests(filter, grouping)
        if (level === 0) {
          result.compared = Math.max(sourceRows, targetRows)
          progress()
        }
        const differing = differingBuckets(a, b).sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1))
        if (differing.length) checksumsDiffered = true
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
          const [s, t] = await bothRows(leaf, leafRows + 1)
          record(s, t)
        }
        if (result.suspended || differences() >= maxDifferences) {
          if (next.length) result.suspended = true
          return
        }
        // Only as many ranges as the threshold can still use.
        ranges = next.slice(0, Math.max(1, maxDifferences - differences()))
        if (ranges.length < next.length) result.suspended = true
        width = (width + BigInt(SUB_SEGMENTS) - 1n) / BigInt(SUB_SEGMENTS)
      }
    }

    async function compareBuckets(prefixes: string[], length: number): Promise<void> {
      const filter: Filter = prefixes.length ? { kind: 'prefix', prefixes } : { kind: 'all' }
      const [a, b] = await bothDigests(filter, { kind: 'prefix', length })
      if (!prefixes.length) {
        result.compared = Math.max(sourceRows, targetRows)
        progress()
      }
      const differing = differingBuckets(a, b).sort()
      if (!differing.length) return
      checksumsDiffered = true
      checkCancelled()
      const rows = differing.reduce((n, k) => n + Math.max(a.get(k)?.count ?? 0, b.get(k)?.count ?? 0), 0)
      if (rows <= LEAF_BATCH_ROWS || length >= 32) {
        const leaf: Filter = { kind: 'prefix', prefixes: differing }
        const [s, t] = await bothRows(leaf, rows + 1)
        record(s, t)
        return
      }
      // Too many differences to fetch at once: only as many buckets as the threshold can still use.
      const budget = Math.max(1, maxDifferences - differences())
      const next = differing.slice(0, budget)
      if (next.length < differing.length) result.suspended = true
      await compareBuckets(next, Math.min(32, length + 2))
    }
  }
}
