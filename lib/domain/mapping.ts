import { z } from 'zod'
import { EMPTY_MAPPING } from './mapping-lookup'

// A copy step's mapping: what becomes of each source table and column on the target. Tables and columns are
// named as the source has them; everything left unsaid is copied as it is. Transforms and filters are SQL
// expressions in the source's own engine (SQLite's functions for a SQLite file, PostgreSQL's for a PostgreSQL
// source), evaluated as it reads – no expression language of our own. The same mapping drives the copy, its
// preview and the validation of what it copied.

// The mapping editor checks mappings in the browser, under a Content-Security-Policy without 'unsafe-eval': zod must
// not compile its parsers with `new Function` there (even its caught probe is reported as a policy violation).
if (typeof window !== 'undefined') z.config({ jitless: true })

/** Which one-click rule wrote an entry (shown beside it; editing the entry keeps the label until cleared). */
export const MAPPING_RULES = ['snake_case', 'uuid', 'epoch', 'boolean', 'json', 'trim', 'orphans'] as const
export type MappingRule = (typeof MAPPING_RULES)[number]

export const RULE_LABELS: Record<MappingRule, string> = {
  snake_case: 'names to snake_case',
  uuid: 'UUID text to uuid',
  epoch: 'epoch numbers to timestamptz',
  boolean: '0/1 or true/false text to boolean',
  json: 'JSON text to jsonb',
  trim: 'trim text',
  orphans: 'drop orphaned rows',
}

/**
 * The target types a mapping can set: PostgreSQL's built-in types whose values the copy checks one by one
 * before they are sent (a misfit is a rejected row, never a failed chunk).
 */
const TYPE_PATTERNS: readonly RegExp[] = [
  /^(smallint|integer|bigint|int2|int4|int8|int)$/,
  /^(numeric|decimal)(\(\d{1,4}(, ?\d{1,4})?\))?$/,
  /^(double precision|float8|real|float4)$/,
  /^(boolean|bool)$/,
  /^(text|varchar\(\d{1,7}\)|character varying\(\d{1,7}\))$/,
  /^bytea$/,
  /^(date|time|timestamptz|timestamp|timestamp with time zone|timestamp without time zone)$/,
  /^(jsonb|json|uuid)$/,
]
export const MAPPING_TYPE_EXAMPLES =
  'smallint, integer, bigint, numeric(p,s), double precision, boolean, text, varchar(n), bytea, date, time, timestamptz, timestamp, jsonb, uuid'

/** A target type as the mapping stores it (lower case, single spaces), or null when a mapping cannot set it. */
export function mappingTypeOf(text: string): string | null {
  const type = text
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*,\s*/g, ', ')
    .replace(/\s*\(\s*/g, '(')
    .replace(/\s*\)/g, ')')
  return TYPE_PATTERNS.some((p) => p.test(type)) ? type : null
}

const PG_IDENTIFIER_BYTES = 63
const name = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is empty`)
    .refine((n) => new TextEncoder().encode(n).length <= PG_IDENTIFIER_BYTES, `${what} is longer than 63 bytes`)
const expression = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is empty`)
    .max(4000, `${what} is longer than 4,000 characters`)
    .superRefine((sql, ctx) => {
      const problem = expressionProblem(sql)
      if (problem) ctx.addIssue({ code: 'custom', message: `${what} ${problem}` })
    })

export const ZColumnMapping = z
  .object({
    column: z.string().min(1, 'the column is not named'),
    rename: name('the new name').optional(),
    type: z
      .string()
      .transform((t, ctx) => {
        const type = mappingTypeOf(t)
        if (type === null)
          ctx.addIssue({ code: 'custom', message: `“${t}” is not a type a mapping can set (${MAPPING_TYPE_EXAMPLES})` })
        return type ?? t
      })
      .optional(),
    transform: expression('the transform').optional(),
    omit: z.boolean().optional(),
    /** Which one-click rule wrote the type and transform. */
    rule: z.enum(MAPPING_RULES).optional(),
    /** Which one-click rule wrote the rename (a column can be renamed by one rule and retyped by another). */
    renameRule: z.enum(MAPPING_RULES).optional(),
  })
  .strict()

export const ZTableMapping = z
  .object({
    table: z.string().min(1, 'the table is not named'),
    rename: name('the new name').optional(),
    /** Which one-click rule wrote the rename. */
    renameRule: z.enum(MAPPING_RULES).optional(),
    filter: expression('the filter').optional(),
    /** Which one-click rule wrote the filter. */
    filterRule: z.enum(MAPPING_RULES).optional(),
    columns: z.array(ZColumnMapping).default([]),
  })
  .strict()

export const ZCopyMapping = z.object({ tables: z.array(ZTableMapping).default([]) }).strict()

export type TColumnMapping = z.infer<typeof ZColumnMapping>
export type TTableMapping = z.infer<typeof ZTableMapping>
export type TCopyMapping = z.infer<typeof ZCopyMapping>

/**
 * Why an expression cannot be read as one SQL expression, or null: it must not end the statement it is put
 * in (a `;` or an unbalanced parenthesis outside quotes and comments). The source's engine judges the rest.
 */
export function expressionProblem(sql: string): string | null {
  let depth = 0
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]
    if (c === "'" || c === '"' || c === '`') {
      const end = sql.indexOf(c, i + 1)
      if (end < 0) return `has an unclosed ${c === "'" ? 'string' : 'quoted name'}`
      i = end
      // A doubled quote inside a quoted string continues it.
      while (sql[i + 1] === c) {
        const next = sql.indexOf(c, i + 2)
        if (next < 0) return `has an unclosed ${c === "'" ? 'string' : 'quoted name'}`
        i = next
      }
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i)
      if (end < 0) return 'ends in a comment (it would hide what follows)'
      i = end
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      if (end < 0) return 'has an unclosed comment'
      i = end + 1
    } else if (c === '(') depth++
    else if (c === ')' && --depth < 0) return 'closes a parenthesis it did not open'
    else if (c === ';') return 'contains “;”: it must be one expression, not statements'
  }
  return depth > 0 ? 'leaves a parenthesis open' : null
}

/** Where a problem is, as people read it: `users`, `users.created_at`, with the part of the rule. */
export type MappingProblem = { path: string; message: string }

const where = (m: TCopyMapping, path: readonly PropertyKey[]): string => {
  const [, t, , c] = path
  const table = typeof t === 'number' ? m.tables[t] : undefined
  if (!table) return 'the mapping'
  const column = typeof c === 'number' ? table.columns[c] : undefined
  return column ? `${table.table}.${column.column}` : table.table
}

/** Checks a mapping's shape and its rules against each other; the problems name the table or column of each. */
export function checkMapping(input: unknown): { mapping: TCopyMapping; problems: MappingProblem[] } {
  const parsed = ZCopyMapping.safeParse(input)
  if (!parsed.success) {
    const raw = (input && typeof input === 'object' ? input : { tables: [] }) as TCopyMapping
    const safe = { tables: Array.isArray(raw.tables) ? raw.tables : [] } as TCopyMapping
    const problems = parsed.error.issues.map((i) => ({
      path: where(safe, i.path),
      // “type: …”, unless the message names what it is about (“the transform contains …”).
      message: `${i.path.length > 2 && !i.message.startsWith('the ') ? `${String(i.path.at(-1))}: ` : ''}${i.message}`,
    }))
    return { mapping: EMPTY_MAPPING, problems }
  }
  const mapping = parsed.data
  const problems: MappingProblem[] = []
  const seenTables = new Map<string, string>()
  const targetTables = new Map<string, string>()
  for (const t of mapping.tables) {
    if (seenTables.has(t.table)) problems.push({ path: t.table, message: 'is mapped twice; keep one entry' })
    seenTables.set(t.table, t.table)
    const target = t.rename ?? t.table
    const clash = targetTables.get(target)
    if (clash !== undefined)
      problems.push({ path: t.table, message: `becomes “${target}”, as ${clash} does; two tables cannot share a name` })
    targetTables.set(target, t.table)
    const seenColumns = new Set<string>()
    const targetColumns = new Map<string, string>()
    for (const c of t.columns) {
      const path = `${t.table}.${c.column}`
      if (seenColumns.has(c.column)) problems.push({ path, message: 'is mapped twice; keep one entry' })
      seenColumns.add(c.column)
      if (c.omit && (c.rename || c.type || c.transform))
        problems.push({ path, message: 'is left out, so it cannot also be renamed, retyped or transformed' })
      if (c.omit) continue
      const to = c.rename ?? c.column
      const other = targetColumns.get(to)
      if (other !== undefined)
        problems.push({
          path,
          message: `becomes “${to}”, as ${t.table}.${other} does; two columns cannot share a name`,
        })
      targetColumns.set(to, c.column)
    }
  }
  return { mapping, problems }
}

/** Problems as one message: “users.created_at: the transform has an unclosed string; …”. */
export const describeProblems = (problems: readonly MappingProblem[]) =>
  problems.map((p) => `${p.path}: ${p.message}`).join('; ')

/** A mapping that does not read: the copy (or validation) it belongs to refuses to start, naming the rule. */
export class MappingInvalid extends Error {
  constructor(readonly problems: readonly MappingProblem[]) {
    super(`The mapping cannot be used: ${describeProblems(problems)}.`)
    this.name = 'MappingInvalid'
  }
}

/** A stored mapping (a copy step's config.mapping), absent: empty; one that no longer reads throws MappingInvalid. */
export function mappingOrThrow(json: unknown): TCopyMapping {
  if (json === undefined || json === null) return EMPTY_MAPPING
  const { mapping, problems } = checkMapping(json)
  if (problems.length) throw new MappingInvalid(problems)
  return mapping
}

/** A stored mapping for showing it: one that no longer reads shows as empty (running it refuses, see mappingOrThrow). */
export function mappingOf(json: unknown): TCopyMapping {
  try {
    return mappingOrThrow(json)
  } catch {
    return EMPTY_MAPPING
  }
}

/** `userId` → `user_id`, `OrderLines` → `order_lines`, `HTTPStatus` → `http_status`, `Sales Total` → `sales_total`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[\s\-.]+/g, '_')
    .replace(/_+/g, '_')
    .toLowerCase()
}

/** Merges several copy steps' mappings (a validation follows all of them); a table mapped differently twice is a problem. */
export function mergeMappings(mappings: readonly { label: string; mapping: TCopyMapping }[]): {
  mapping: TCopyMapping
  problems: MappingProblem[]
} {
  const tables: TTableMapping[] = []
  const from = new Map<string, string>()
  const problems: MappingProblem[] = []
  for (const { label, mapping } of mappings)
    for (const t of mapping.tables) {
      const known = tables.find((k) => k.table === t.table)
      if (!known) {
        tables.push(t)
        from.set(t.table, label)
      } else if (JSON.stringify(known) !== JSON.stringify(t))
        problems.push({ path: t.table, message: `is mapped differently by ${from.get(t.table)} and ${label}` })
    }
  return { mapping: { tables }, problems }
}
