import { compareTable, type CompareContext, type PostgresTargetSide } from './compare'
import { checkIntegrity, runRules } from './integrity'
import { inTargetNames, pairByName } from './pairing'
import type { TableResult, ValidationReport } from '@/lib/domain/validation-report'
import { VALIDATION_DEFAULTS, type TableShape, type ValidationOptions, type ValidationSide } from './model'

// Validation of a target against its source, table by table, the way data-diff does it: both sides
// compute a row count and a checksum per segment of the key space, segments that agree are done, those
// that differ are split and compared again, down to segments small enough to compare row by row – so the
// rows that differ are found at the cost of reading the table about once. Integer keys are split into
// ranges; other keys into buckets by the MD5 of the key; tables without a primary key are compared by
// count and whole-table checksum. Then the target's integrity (orphans, NOT NULL, unique) and custom rules.
// Its parts: compare.ts (one table), segments.ts (the search for differing rows), differences.ts.

export type { PostgresTargetSide } from './compare'

export class ValidationCancelled extends Error {
  constructor() {
    super('The validation was cancelled.')
  }
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
  // Rows hashed natively (hash_record_extended) where both sides can: PostgreSQL 14 and later on each side, or a
  // SQLite source hashed the same way in JavaScript (native-hash.ts).
  const targetNative = (await target.nativeHash()) === true
  const native =
    targetNative &&
    (source.engine === 'sqlite' || (source.engine === 'postgres' && (await source.nativeHash?.()) === true))
  const context: CompareContext = {
    source,
    target,
    native,
    maxSamples,
    maxDifferences,
    progress,
    checkCancelled,
    onDifference: options.onDifference,
    changedKeys: options.changedKeys,
  }
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
        await compareTable(context, sourceTable, targetTable, result)
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
}
