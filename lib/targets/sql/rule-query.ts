import { loadModule, parseSync } from 'libpg-query'
import { splitStatements } from './split'
import type { Statement } from '@/lib/domain/lint-report'

// A custom validation rule is code a plan's editors write and Lockstep runs on a target, so it is held to
// what a check needs and nothing more: exactly one plain SELECT as PostgreSQL's own parser reads it – no
// SELECT INTO, no row locks, no data-modifying WITH – calling no volatile function (pg_terminate_backend,
// nextval, pg_sleep, dblink…), which the target's own catalog decides (pg_proc.provolatile). It then runs in
// a read-only transaction with a statement timeout, and only a capped number of its rows is counted.

export type FunctionName = { schema: string | null; name: string }
export type RuleQuery = { sql: string; functions: FunctionName[] }

type Node = unknown

/** Every node of the parse tree, depth first, with its type name. */
function* walk(node: Node, type = ''): Generator<[string, Record<string, unknown>]> {
  if (Array.isArray(node)) {
    for (const item of node) yield* walk(item)
    return
  }
  if (!node || typeof node !== 'object') return
  const record = node as Record<string, unknown>
  if (type) yield [type, record]
  for (const [key, value] of Object.entries(record)) {
    // Parse nodes are { TypeName: {...} }: a capitalised key names the node below it.
    yield* walk(value, /^[A-Z]/.test(key) ? key : '')
  }
}

const strings = (list: unknown) =>
  Array.isArray(list) ? list.map((n) => (n as { String?: { sval?: string } }).String?.sval ?? '') : []

/** A rule's query, checked; else an Error saying, in a person's words, what makes it no rule. */
export async function parseRuleQuery(text: string): Promise<RuleQuery> {
  const statements = await splitStatements(text)
  if (statements.length !== 1)
    throw new Error(
      `A rule is one SELECT query returning the violating rows; this has ${statements.length} statements.`,
    )
  const [statement] = statements as [Statement]
  if (statement.kind !== 'SelectStmt')
    throw new Error('A rule is one SELECT query returning the violating rows; this is not a SELECT.')
  const sql = statement.sql.replace(/;\s*$/, '')
  await loadModule()
  const tree = parseSync(sql) as { stmts?: { stmt: unknown }[] }
  const functions: FunctionName[] = []
  for (const [type, node] of walk(tree.stmts?.[0]?.stmt)) {
    if (type === 'SelectStmt' && node.intoClause) throw new Error('A rule only reads: SELECT … INTO creates a table.')
    if (type === 'SelectStmt' && node.lockingClause)
      throw new Error('A rule only reads: FOR UPDATE / FOR SHARE lock rows.')
    if (type === 'CommonTableExpr') {
      const inner = Object.keys((node.ctequery ?? {}) as object)[0]
      if (inner && inner !== 'SelectStmt')
        throw new Error(
          `A rule only reads: its WITH “${String(node.ctename)}” is a ${inner.replace(/Stmt$/, '').toUpperCase()}.`,
        )
    }
    if (type === 'FuncCall') {
      const parts = strings(node.funcname)
      const name = parts.at(-1)
      if (name) functions.push({ schema: parts.length > 1 ? (parts.at(-2) ?? null) : null, name })
    }
  }
  return { sql, functions }
}

/** Reads pg_proc on some PostgreSQL server: the rows its query answers. */
export type CatalogReader = (sql: string, params: unknown[]) => Promise<{ schema: string; name: string }[]>

/**
 * The functions the query calls that the server's catalog marks volatile. A name counts when any function
 * of that name (in the named schema, when it is qualified) is volatile: which overload runs is the server's
 * choice, so the check takes the strictest.
 */
export async function volatileFunctionsOf(query: RuleQuery, read: CatalogReader): Promise<string[]> {
  if (query.functions.length === 0) return []
  const rows = await read(
    `SELECT DISTINCT n.nspname AS schema, p.proname AS name FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
      WHERE p.provolatile = 'v' AND p.proname = ANY($1::text[])`,
    [[...new Set(query.functions.map((f) => f.name))]],
  )
  const found = query.functions.filter((f) =>
    rows.some((r) => r.name === f.name && (f.schema === null || r.schema === f.schema)),
  )
  return [...new Set(found.map((f) => (f.schema ? `${f.schema}.${f.name}` : f.name)))]
}

/** The refusal for a query that calls volatile functions, naming them. */
export const volatileRefusal = (names: string[]) =>
  `A rule only reads: it may not call ${names.length === 1 ? 'the volatile function' : 'the volatile functions'} ${names.map((n) => `${n}()`).join(', ')} (they can change the database or its sessions).`
