import type pg from 'pg'
import { quoteIdent } from '@/lib/targets/quote'
import type { CustomRule, IntegrityFinding, RuleResult } from '@/lib/domain/validation-report'
import type { ForeignKey, TableShape } from './model'

// The target's integrity, for what PostgreSQL does not already guarantee: foreign keys that are declared
// but not validated (a copy adds them NOT VALID over orphans) or only declared in the source, NOT NULL and
// unique constraints the source has and the target lacks. Then the plan's custom rules: queries that
// return violating rows, checked (rule-query.ts) and run read-only with a time limit and a row cap.

const SAMPLES = 5
const RULE_TIMEOUT_MS = 30_000
const RULE_LOCK_TIMEOUT_MS = 5_000

type Pair = { source: TableShape; target: TableShape }

const sameColumns = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((c) => b.includes(c))

export async function checkIntegrity(
  client: pg.Client,
  schema: string,
  pairs: readonly Pair[],
  targetTables: readonly TableShape[],
): Promise<{ findings: IntegrityFinding[]; checked: number }> {
  const q = (name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`
  const findings: IntegrityFinding[] = []
  let checked = 0
  const keyText = (table: TableShape, alias: string) => {
    const key = table.primaryKey.length ? table.primaryKey : table.columns.slice(0, 1).map((c) => c.name)
    return key.map((k) => `${alias}.${quoteIdent(k)}::text`).join(` || ', ' || `)
  }
  const run = async (finding: Omit<IntegrityFinding, 'count' | 'samples'>, sql: string) => {
    checked++
    const { rows } = await client.query<{ total: string; sample: string }>(
      `SELECT count(*) OVER () AS total, sample FROM (${sql}) found LIMIT ${SAMPLES}`,
    )
    const count = Number(rows[0]?.total ?? 0)
    if (count) findings.push({ ...finding, count, samples: rows.map((r) => r.sample) })
  }

  for (const { source, target } of pairs) {
    const has = (column: string) => target.columns.some((c) => c.name === column)
    // Foreign keys: declared on the target but not validated, and relations only the source declares.
    const relations: (ForeignKey & { origin: 'target' | 'source' })[] = [
      ...target.foreignKeys.filter((f) => !f.validated).map((f) => ({ ...f, origin: 'target' as const })),
      ...source.foreignKeys
        .filter((f) => !target.foreignKeys.some((t) => t.table === f.table && sameColumns(t.columns, f.columns)))
        .map((f) => ({ ...f, origin: 'source' as const })),
    ]
    for (const fk of relations) {
      const parent = targetTables.find((t) => t.name === fk.table)
      const refColumns =
        fk.refColumns.length && fk.refColumns.every((c) => c) ? fk.refColumns : (parent?.primaryKey ?? [])
      if (
        !parent ||
        refColumns.length !== fk.columns.length ||
        !fk.columns.every(has) ||
        !refColumns.every((c) => parent.columns.some((p) => p.name === c))
      )
        continue
      const notNull = fk.columns.map((c) => `c.${quoteIdent(c)} IS NOT NULL`).join(' AND ')
      const match = fk.columns
        .map((c, i) => `p.${quoteIdent(refColumns[i] as string)} = c.${quoteIdent(c)}`)
        .join(' AND ')
      const shown = fk.columns.map((c) => `c.${quoteIdent(c)}::text`).join(` || ', ' || `)
      await run(
        {
          kind: 'orphan',
          table: target.name,
          columns: fk.columns,
          references: { table: fk.table, columns: refColumns },
          origin: fk.origin,
        },
        `SELECT ${keyText(target, 'c')} || ' → ' || ${shown} AS sample FROM ${q(target.name)} c WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM ${q(fk.table)} p WHERE ${match})`,
      )
    }
    // NOT NULL the source declares and the target does not enforce.
    for (const column of source.columns.filter(
      (c) => c.notNull && target.columns.some((t) => t.name === c.name && !t.notNull),
    )) {
      await run(
        { kind: 'not-null', table: target.name, columns: [column.name], origin: 'source' },
        `SELECT ${keyText(target, 't')} AS sample FROM ${q(target.name)} t WHERE t.${quoteIdent(column.name)} IS NULL`,
      )
    }
    // Unique column sets (the primary key's included) the source declares and the target does not enforce.
    for (const unique of source.uniques.filter((u) => u.every(has) && !target.uniques.some((t) => sameColumns(t, u)))) {
      const list = unique.map((c) => `t.${quoteIdent(c)}`).join(', ')
      await run(
        { kind: 'unique', table: target.name, columns: unique, origin: 'source' },
        `SELECT ${unique.map((c) => `t.${quoteIdent(c)}::text`).join(` || ', ' || `)} || ' (' || count(*) || ' rows)' AS sample FROM ${q(target.name)} t WHERE ${unique.map((c) => `t.${quoteIdent(c)} IS NOT NULL`).join(' AND ')} GROUP BY ${list} HAVING count(*) > 1`,
      )
    }
  }
  return { findings, checked }
}

/** At most this many violating rows are counted: a rule that matches a whole table stops there. */
export const RULE_ROW_CAP = 10_000

/**
 * Each rule's violating rows (counted up to RULE_ROW_CAP, a few kept), in a read-only transaction with a time
 * limit, after the target's own catalog confirmed it calls no volatile function; a refused or failing query
 * is the rule's error.
 */
export async function runRules(client: pg.Client, rules: readonly CustomRule[]): Promise<RuleResult[]> {
  const results: RuleResult[] = []
  // The SQL parser (a WebAssembly module) loads only for a validation with rules.
  const { parseRuleQuery, volatileFunctionsOf, volatileRefusal } = await import('@/lib/targets/sql/rule-query')
  for (const rule of rules) {
    const base = { name: rule.name, severity: rule.severity, action: rule.action }
    try {
      const query = await parseRuleQuery(rule.sql)
      const volatile = await volatileFunctionsOf(
        query,
        async (sql, params) => (await client.query<{ schema: string; name: string }>(sql, params)).rows,
      )
      if (volatile.length) throw new Error(volatileRefusal(volatile))
      await client.query(
        `BEGIN READ ONLY; SET LOCAL statement_timeout = ${RULE_TIMEOUT_MS}; SET LOCAL lock_timeout = ${RULE_LOCK_TIMEOUT_MS}`,
      )
      const { rows } = await client.query<Record<string, unknown>>(
        `SELECT count(*) OVER () AS "lockstep total", rule.* FROM (SELECT * FROM (${query.sql}) capped LIMIT ${RULE_ROW_CAP + 1}) rule LIMIT ${SAMPLES}`,
      )
      await client.query('COMMIT')
      const counted = Number(rows[0]?.['lockstep total'] ?? 0)
      const samples = rows.map((r) =>
        Object.fromEntries(
          Object.entries(r)
            .filter(([k]) => k !== 'lockstep total')
            .map(([k, v]) => [
              k,
              v === null
                ? null
                : v instanceof Date
                  ? v.toISOString()
                  : typeof v === 'object'
                    ? JSON.stringify(v)
                    : String(v),
            ]),
        ),
      )
      const capped = counted > RULE_ROW_CAP
      results.push({
        ...base,
        violations: Math.min(counted, RULE_ROW_CAP),
        ...(capped ? { capped } : {}),
        samples,
        passed: counted === 0,
      })
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      const message = (error as Error).message
      results.push({
        ...base,
        violations: 0,
        samples: [],
        error: 'code' in (error as object) ? `The rule's query failed: ${message}` : message,
        passed: false,
      })
    }
  }
  return results
}
