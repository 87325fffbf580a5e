import { loadModule, parseSync } from 'libpg-query'
import { analyseLocks, describeLocks } from './locks'
import type { ConcurrentIndex, Statement } from '@/lib/domain/lint-report'

// SQL scripts are split into statements by the real PostgreSQL parser (libpg-query), never by
// semicolons and never sent as one multi-statement string. Each statement says whether it may run
// inside a transaction and which table lock it takes.

export class SqlSyntaxError extends Error {
  constructor(
    /** The parser's words, without the line. */
    readonly reason: string,
    readonly line: number,
  ) {
    super(`Syntax error on line ${line}: ${reason}`)
    this.name = 'SqlSyntaxError'
  }
}

let loaded: Promise<void> | null = null
const ready = () => (loaded ??= loadModule())

type Node = Record<string, unknown>

const BEGINS = new Set(['TRANS_STMT_BEGIN', 'TRANS_STMT_START'])
const ENDS = new Set([
  'TRANS_STMT_COMMIT',
  'TRANS_STMT_ROLLBACK',
  'TRANS_STMT_PREPARE',
  'TRANS_STMT_COMMIT_PREPARED',
  'TRANS_STMT_ROLLBACK_PREPARED',
])

function transactionControlOf(kind: string, node: Node): Statement['transactionControl'] {
  if (kind !== 'TransactionStmt') return null
  if (BEGINS.has(String(node.kind))) return 'begin'
  return ENDS.has(String(node.kind)) ? 'end' : null
}

function nonTransactional(kind: string, node: Node): boolean {
  // A script's own BEGIN or COMMIT cannot run inside Lockstep's transaction; its savepoints can.
  if (transactionControlOf(kind, node)) return true
  if (kind === 'IndexStmt' || kind === 'DropStmt') return node.concurrent === true
  if (kind === 'ReindexStmt') return JSON.stringify(node.params ?? []).includes('"concurrently"')
  if (kind === 'VacuumStmt') return node.is_vacuumcmd === true
  return ['CreatedbStmt', 'DropdbStmt', 'AlterSystemStmt', 'CreateTableSpaceStmt', 'DropTableSpaceStmt'].includes(kind)
}

// Statements that can lose data: drops, truncates, deletes and updates (an UPDATE overwrites what was
// there), upserts that update, dropped or retyped columns, and DO blocks, whose bodies are not looked into.
// Adding things, indexes, constraints and renames lose nothing.
const LOSES_DATA = new Set([
  'DropStmt',
  'TruncateStmt',
  'DeleteStmt',
  'UpdateStmt',
  'MergeStmt',
  'DropdbStmt',
  'DropOwnedStmt',
  'DoStmt',
])

function losesData(kind: string, node: Node): boolean {
  if (LOSES_DATA.has(kind)) return true
  if (kind === 'InsertStmt') return JSON.stringify(node.onConflictClause ?? {}).includes('ONCONFLICT_UPDATE')
  if (kind === 'AlterTableStmt') return /"AT_(DropColumn|AlterColumnType)"/.test(JSON.stringify(node.cmds ?? []))
  return false
}

function concurrentIndexOf(kind: string, node: Node): ConcurrentIndex | null {
  if (kind !== 'IndexStmt' || node.concurrent !== true) return null
  const relation = (node.relation ?? {}) as { schemaname?: string; relname?: string }
  return {
    name: typeof node.idxname === 'string' ? node.idxname : null,
    schema: relation.schemaname ?? null,
    table: relation.relname ?? '',
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
    const locks = analyseLocks(kind, node)
    statements.push({
      index: statements.length,
      sql,
      line: lineAt(start + text.indexOf(sql)),
      kind,
      transactional: !nonTransactional(kind, node),
      lock: describeLocks(locks),
      locks: locks.locks,
      lockUnknown: locks.unknown !== null,
      subject: locks.subject,
      createsTable: kind === 'CreateStmt' && node.if_not_exists !== true,
      transactionControl: transactionControlOf(kind, node),
      destructive: losesData(kind, node),
      concurrentIndex: concurrentIndexOf(kind, node),
    })
  }
  return statements
}
