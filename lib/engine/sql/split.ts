import { loadModule, parseSync } from 'libpg-query'

// SQL scripts are split into statements by the real PostgreSQL parser (libpg-query), never by
// semicolons and never sent as one multi-statement string. Each statement says whether it may run
// inside a transaction and which table lock it takes.

export type Statement = {
  index: number
  sql: string
  /** 1-based line of the statement's start in the script. */
  line: number
  /** The parser's node type, e.g. "AlterTableStmt". */
  kind: string
  /** False for statements PostgreSQL refuses inside a transaction block (CREATE INDEX CONCURRENTLY…). */
  transactional: boolean
  /** The strongest table lock the statement takes, for review. */
  lock: string
  /** It can lose data that only a backup brings back (see `losesData`). */
  destructive: boolean
  /** CREATE INDEX CONCURRENTLY: the index it builds (see `ConcurrentIndex`), else null. */
  concurrentIndex: ConcurrentIndex | null
}

/**
 * An index built concurrently, named as the parser read it: like PostgreSQL, it folds unquoted names to
 * lower case and keeps quoted ones as written. `name` is null when PostgreSQL is left to choose it; `schema`
 * is null when the table is found through the search_path.
 */
export type ConcurrentIndex = { name: string | null; schema: string | null; table: string }

export class SqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`Syntax error on line ${line}: ${message}`)
    this.name = 'SqlSyntaxError'
  }
}

let loaded: Promise<void> | null = null
const ready = () => (loaded ??= loadModule())

type Node = Record<string, unknown>

function nonTransactional(kind: string, node: Node): boolean {
  if (kind === 'IndexStmt' || kind === 'DropStmt') return node.concurrent === true
  if (kind === 'ReindexStmt') return JSON.stringify(node.params ?? []).includes('"concurrently"')
  if (kind === 'VacuumStmt') return node.is_vacuumcmd === true
  return ['CreatedbStmt', 'DropdbStmt', 'AlterSystemStmt', 'CreateTableSpaceStmt', 'DropTableSpaceStmt'].includes(kind)
}

// Statements that can lose data: drops, truncates, deletes and updates (an UPDATE overwrites what was
// there), upserts that update, dropped or retyped columns, and DO blocks, whose bodies are not looked into.
// Adding things, indexes, constraints and renames lose nothing.
const LOSES_DATA = new Set(['DropStmt', 'TruncateStmt', 'DeleteStmt', 'UpdateStmt', 'MergeStmt', 'DropdbStmt', 'DropOwnedStmt', 'DoStmt'])

function losesData(kind: string, node: Node): boolean {
  if (LOSES_DATA.has(kind)) return true
  if (kind === 'InsertStmt') return JSON.stringify(node.onConflictClause ?? {}).includes('ONCONFLICT_UPDATE')
  if (kind === 'AlterTableStmt') return /"AT_(DropColumn|AlterColumnType)"/.test(JSON.stringify(node.cmds ?? []))
  return false
}

function concurrentIndexOf(kind: string, node: Node): ConcurrentIndex | null {
  if (kind !== 'IndexStmt' || node.concurrent !== true) return null
  const relation = (node.relation ?? {}) as { schemaname?: string; relname?: string }
  return { name: typeof node.idxname === 'string' ? node.idxname : null, schema: relation.schemaname ?? null, table: relation.relname ?? '' }
}

function lockOf(kind: string, node: Node): string {
  switch (kind) {
    case 'SelectStmt':
      return 'ACCESS SHARE'
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
      return 'ROW EXCLUSIVE'
    case 'IndexStmt':
      return node.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE'
    case 'DropStmt':
      return node.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE'
    case 'ReindexStmt':
      return JSON.stringify(node.params ?? []).includes('"concurrently"') ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE'
    case 'VacuumStmt':
      return 'SHARE UPDATE EXCLUSIVE'
    case 'CreateTrigStmt':
      return 'SHARE ROW EXCLUSIVE'
    case 'AlterTableStmt': {
      const commands = JSON.stringify(node.cmds ?? [])
      if (/"AT_ValidateConstraint"/.test(commands) && !/"AT_(?!ValidateConstraint)/.test(commands)) return 'SHARE UPDATE EXCLUSIVE'
      return 'ACCESS EXCLUSIVE'
    }
    case 'CreateStmt':
    case 'CreateSeqStmt':
    case 'ViewStmt':
    case 'CreateFunctionStmt':
    case 'CreateEnumStmt':
    case 'CreateSchemaStmt':
    case 'CreateExtensionStmt':
    case 'CommentStmt':
    case 'GrantStmt':
    case 'VariableSetStmt':
    case 'DoStmt':
      return 'none on existing tables'
    default:
      return 'ACCESS EXCLUSIVE (assumed)'
  }
}

/** The statements of a script, in order. Throws SqlSyntaxError with the line of the first error. */
export async function splitStatements(script: string): Promise<Statement[]> {
  await ready()
  const bytes = Buffer.from(script, 'utf8')
  const lineAt = (byteOffset: number) => bytes.subarray(0, byteOffset).toString('utf8').split('\n').length
  let parsed: { stmts?: { stmt: Record<string, Node>; stmt_location?: number; stmt_len?: number }[] }
  try {
    parsed = parseSync(script) as typeof parsed
  } catch (error) {
    const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails
    throw new SqlSyntaxError(details?.message ?? (error as Error).message, lineAt(details?.cursorPosition ?? 0))
  }
  const statements: Statement[] = []
  for (const raw of parsed.stmts ?? []) {
    const start = raw.stmt_location ?? 0
    const end = raw.stmt_len ? start + raw.stmt_len : bytes.length
    const text = bytes.subarray(start, end).toString('utf8')
    const sql = text.trim()
    if (!sql) continue
    const [kind = 'Unknown', node = {}] = Object.entries(raw.stmt)[0] ?? []
    if (kind === 'TransactionStmt') throw new SqlSyntaxError('remove BEGIN/COMMIT/ROLLBACK: Lockstep runs each script in a transaction of its own where it can', lineAt(start + text.indexOf(sql)))
    statements.push({ index: statements.length, sql, line: lineAt(start + text.indexOf(sql)), kind, transactional: !nonTransactional(kind, node), lock: lockOf(kind, node), destructive: losesData(kind, node), concurrentIndex: concurrentIndexOf(kind, node) })
  }
  return statements
}
