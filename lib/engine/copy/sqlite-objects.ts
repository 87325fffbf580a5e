import type Database from 'better-sqlite3'
import { quoteIdent } from '@/lib/targets/quote'
import type { NotCopied, OptionalStatement } from './model'
import { APPLICATION_OBJECTS } from '@/lib/targets/sqlite'
import {
  nameBook,
  parenthesised,
  tokenize,
  translateTokens,
  Untranslatable,
  type NameBook,
  type Token,
} from './sqlite-sql'

// What a SQLite schema holds besides tables and plain indexes: CHECK constraints (only in the CREATE TABLE
// text), views, triggers, partial and expression indexes. What translates becomes a statement the copy tries
// after the load – PostgreSQL has the last word, and a refusal is reported with its reason, as is everything
// that does not translate at all. Nothing is left out without being named.

export type NamedTable = {
  name: string
  pgName: string
  sql: string | null
  columns: readonly { name: string; pgName: string }[]
}

const word = (t: Token | undefined, text: string) => t?.kind === 'word' && t.text.toLowerCase() === text

const reasonOf = (error: unknown) =>
  error instanceof Untranslatable ? error.message : `cannot be read (${(error as Error).message})`

/** The CHECK constraints of a CREATE TABLE statement: their names (when given) and expressions. */
export function checkConstraints(createSql: string): { name: string | null; expression: Token[] }[] {
  const tokens = tokenize(createSql)
  const open = tokens.findIndex((t) => t.kind === 'open')
  if (open < 0) return []
  const { inner } = parenthesised(tokens, open)
  const checks: { name: string | null; expression: Token[] }[] = []
  let depth = 0
  for (let i = 0; i < inner.length; i++) {
    const t = inner[i] as Token
    if (t.kind === 'open') depth++
    else if (t.kind === 'close') depth--
    else if (depth === 0 && word(t, 'check') && inner[i + 1]?.kind === 'open') {
      const { inner: expression, end } = parenthesised(inner, i + 1)
      const named = word(inner[i - 2], 'constraint') ? (inner[i - 1]?.text ?? null) : null
      checks.push({ name: named, expression })
      i = end - 1
    }
  }
  return checks
}

/** Every table's and column's SQLite name with the name it has on the target (views see all of them). */
export function namesOf(tables: readonly NamedTable[], extra: Iterable<[string, string]> = []): NameBook {
  return nameBook([
    ...tables.flatMap((t) => [
      [t.name, t.pgName] as [string, string],
      ...t.columns.map((c) => [c.name, c.pgName] as [string, string]),
    ]),
    ...extra,
  ])
}

export function checkStatements(
  table: NamedTable,
  schema: string,
): { optional: OptionalStatement[]; notCopied: NotCopied[] } {
  const optional: OptionalStatement[] = []
  const notCopied: NotCopied[] = []
  if (!table.sql) return { optional, notCopied }
  const book = namesOf([table])
  let checks: ReturnType<typeof checkConstraints>
  try {
    checks = checkConstraints(table.sql)
  } catch (error) {
    return { optional, notCopied: [{ table: table.name, object: 'CHECK constraints', reason: reasonOf(error) }] }
  }
  for (const check of checks) {
    const object = `CHECK ${check.name ? `constraint ${check.name}` : `(${check.expression.map((t) => t.text).join(' ')})`}`
    try {
      const expression = translateTokens(check.expression, book)
      const name = check.name ? `CONSTRAINT ${quoteIdent(check.name)} ` : ''
      optional.push({
        kind: 'check',
        table: table.name,
        object,
        name: `check ${table.pgName} ${check.name ?? expression}`,
        sql: `ALTER TABLE ${quoteIdent(schema)}.${quoteIdent(table.pgName)} ADD ${name}CHECK (${expression})`,
      })
    } catch (error) {
      notCopied.push({ table: table.name, object, reason: reasonOf(error) })
    }
  }
  return { optional, notCopied }
}

/** `columns`: a view's column names (other views may use them). */
type SchemaObject = {
  type: 'view' | 'trigger' | 'index'
  name: string
  table: string
  sql: string | null
  columns?: string[]
}

/** Views, triggers and the indexes written as SQL (partial or on expressions), in the order they were created. */
export function readSqliteObjects(db: Database.Database): SchemaObject[] {
  const objects = db
    .prepare(
      `SELECT type, name, tbl_name AS "table", sql FROM sqlite_master WHERE type IN ('view', 'trigger', 'index') AND ${APPLICATION_OBJECTS} ORDER BY rowid`,
    )
    .all() as SchemaObject[]
  for (const o of objects) {
    if (o.type !== 'view') continue
    try {
      o.columns = (db.prepare(`PRAGMA table_info(${quoteIdent(o.name)})`).all() as { name: string }[]).map(
        (c) => c.name,
      )
    } catch {
      o.columns = [] // a view SQLite itself cannot read any more (a table it uses is gone): PostgreSQL will say so
    }
  }
  return objects
}

/** CREATE VIEW for PostgreSQL, names resolved in the copy's schema; throws Untranslatable. */
export function viewStatement(sql: string, pgName: string, schema: string, book: NameBook): string {
  const tokens = tokenize(sql).filter((t) => t.kind !== 'semi')
  const at = tokens.findIndex((t) => word(t, 'view'))
  let i = at + 1
  if (word(tokens[i], 'if')) i += 3 // IF NOT EXISTS
  i++ // the name (schema-qualified names are not SQLite's)
  if (tokens[i]?.text === '.') i += 2
  let columns = ''
  if (tokens[i]?.kind === 'open') {
    const list = parenthesised(tokens, i)
    columns = ` (${list.inner
      .filter((t) => t.kind !== 'comma')
      .map((t) => quoteIdent(book.get(t.text.toLowerCase()) ?? t.text))
      .join(', ')})`
    i = list.end
  }
  if (at < 0 || !word(tokens[i], 'as')) throw new Untranslatable('is not a CREATE VIEW … AS statement')
  const query = translateTokens(tokens.slice(i + 1), book)
  return `SET LOCAL search_path TO ${quoteIdent(schema)}; CREATE VIEW ${quoteIdent(schema)}.${quoteIdent(pgName)}${columns} AS ${query}`
}

/** CREATE INDEX for a partial or expression index; throws Untranslatable. */
export function indexStatement(sql: string, pgName: string, table: NamedTable, schema: string): string {
  const tokens = tokenize(sql).filter((t) => t.kind !== 'semi')
  const unique = word(tokens[1], 'unique')
  const on = tokens.findIndex((t) => word(t, 'on'))
  const open = tokens.findIndex((t, i) => i > on && t.kind === 'open')
  if (on < 0 || open < 0) throw new Untranslatable('is not a CREATE INDEX … ON statement')
  const { inner, end } = parenthesised(tokens, open)
  const book = namesOf([table])
  const where = word(tokens[end], 'where') ? ` WHERE ${translateTokens(tokens.slice(end + 1), book)}` : ''
  if (inner.some((t) => word(t, 'collate')))
    throw new Untranslatable('uses a SQLite collation (COLLATE), which PostgreSQL does not have')
  // An expression as an index key needs parentheses of its own in PostgreSQL.
  const keys = splitOnCommas(inner).map((key) => {
    const text = translateTokens(key, book)
    const plain = key.length === 1 || (key.length === 2 && /^(asc|desc)$/i.test(key[1]?.text ?? ''))
    return plain ? text : `(${text})`
  })
  return `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(pgName)} ON ${quoteIdent(schema)}.${quoteIdent(table.pgName)} (${keys.join(', ')})${where}`
}

function splitOnCommas(tokens: readonly Token[]): Token[][] {
  const parts: Token[][] = [[]]
  let depth = 0
  for (const t of tokens) {
    if (t.kind === 'open') depth++
    if (t.kind === 'close') depth--
    if (t.kind === 'comma' && depth === 0) parts.push([])
    else parts.at(-1)?.push(t)
  }
  return parts
}

/** The views, triggers and SQL-written indexes of the copied tables, as statements to try or as not copied. */
export function objectStatements(
  objects: readonly SchemaObject[],
  tables: readonly NamedTable[],
  relationNames: ReadonlyMap<string, string>,
  schema: string,
  copiedAll: boolean,
) {
  const optional: OptionalStatement[] = []
  const notCopied: NotCopied[] = []
  const byName = new Map(tables.map((t) => [t.name, t]))
  const book = namesOf(
    tables,
    objects
      .filter((o) => o.type === 'view')
      .flatMap((o) => [
        [o.name, relationNames.get(o.name) ?? o.name] as [string, string],
        ...(o.columns ?? []).map((c) => [c, c] as [string, string]),
      ]),
  )
  for (const o of objects) {
    const pgName = relationNames.get(o.name) ?? o.name
    if (o.type === 'trigger') {
      if (byName.has(o.table) || copiedAll)
        notCopied.push({
          table: o.table,
          object: `trigger ${o.name}`,
          reason:
            'SQLite triggers are not translated; write it as a PostgreSQL trigger function if the application needs it',
        })
      continue
    }
    if (o.type === 'view') {
      if (!copiedAll) {
        notCopied.push({ table: null, object: `view ${o.name}`, reason: 'only some tables were copied' })
        continue
      }
      try {
        optional.push({
          kind: 'view',
          table: null,
          object: `view ${o.name}`,
          name: `view ${pgName}`,
          sql: viewStatement(o.sql ?? '', pgName, schema, book),
        })
      } catch (error) {
        notCopied.push({ table: null, object: `view ${o.name}`, reason: reasonOf(error) })
      }
      continue
    }
    const table = byName.get(o.table)
    if (!table || !o.sql) continue // indexes of tables not copied; automatic indexes (keys) are made from the keys
    if (!/\bwhere\b/i.test(o.sql) && !safely(() => isExpressionIndex(o.sql ?? ''))) continue // plain indexes are created from the catalog
    try {
      optional.push({
        kind: 'index',
        table: o.table,
        object: `index ${o.name}`,
        name: `index ${pgName}`,
        sql: indexStatement(o.sql, pgName, table, schema),
      })
    } catch (error) {
      notCopied.push({ table: o.table, object: `index ${o.name}`, reason: reasonOf(error) })
    }
  }
  return { optional, notCopied }
}

/** true when `test` says so or cannot tell (the index is then tried, and reported if it fails). */
const safely = (test: () => boolean) => {
  try {
    return test()
  } catch {
    return true
  }
}

function isExpressionIndex(sql: string): boolean {
  const tokens = tokenize(sql)
  const on = tokens.findIndex((t) => word(t, 'on'))
  const open = tokens.findIndex((t, i) => i > on && t.kind === 'open')
  if (open < 0) return false
  // A column with a collation or an order is still a plain column (created from the catalog).
  const plain = (key: Token[]) =>
    key.filter((t, i) => !word(t, 'collate') && !word(key[i - 1], 'collate') && !/^(asc|desc)$/i.test(t.text))
      .length === 1
  return !splitOnCommas(parenthesised(tokens, open).inner).every(plain)
}
