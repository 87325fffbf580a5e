import { LOCK_MODES, type LockMode, type TableLock } from '@/lib/domain/lint-report'

// The table locks a statement takes, read from its parse tree and following PostgreSQL's documentation
// ("Explicit Locking", table-level lock modes, and the lock each ALTER TABLE form names). A statement whose
// locks cannot be known from its text – a DO block, a procedure or function call, an extension's script –
// says "unknown", never "none": what it locks depends on code this analysis does not read.

export type LockAnalysis = {
  locks: TableLock[]
  /** Why some locks cannot be known (the statement runs code this analysis does not read), else null. */
  unknown: string | null
  /** Something true about the locks that the list cannot say, e.g. "the new table itself is not visible to others yet". */
  note: string | null
  /** The table the statement works on (created, altered, indexed…), as `schema.name` or `name`. */
  subject: string | null
}

type Node = Record<string, unknown>
type RangeVar = { schemaname?: string; relname?: string }

const nameOf = (r: RangeVar | undefined) =>
  r?.relname ? (r.schemaname ? `${r.schemaname}.${r.relname}` : r.relname) : null
const strings = (list: unknown): string[] =>
  Array.isArray(list) ? list.map((i) => (i as { String?: { sval?: string } }).String?.sval ?? '').filter(Boolean) : []
const objectName = (object: unknown): string | null => {
  const items = strings((object as { List?: { items?: unknown[] } } | undefined)?.List?.items)
  return items.length ? items.join('.') : null
}

/** Every node of `kind` in a parse tree (depth first). */
function collect<T>(tree: unknown, kind: string, out: T[] = []): T[] {
  if (Array.isArray(tree)) for (const item of tree) collect(item, kind, out)
  else if (tree && typeof tree === 'object') {
    for (const [key, value] of Object.entries(tree)) {
      if (key === kind) out.push(value as T)
      collect(value, kind, out)
    }
  }
  return out
}

// Built-in functions that take no lock of their own; any other call runs code whose locks are unknown.
const BUILTINS = new Set(
  `abs age array_agg array_append array_length array_position array_remove array_to_string avg bool_and bool_or btrim ceil ceiling char_length
  clock_timestamp concat concat_ws count current_date current_setting currval date_part date_trunc decode encode every exp extract floor format
  gen_random_uuid generate_series greatest initcap json_agg json_build_array json_build_object jsonb_agg jsonb_array_elements
  jsonb_array_elements_text jsonb_array_length jsonb_build_array jsonb_build_object jsonb_each jsonb_extract_path_text jsonb_object_agg
  jsonb_set jsonb_strip_nulls jsonb_typeof least left length lower lpad ltrim make_interval max md5 min mod now nextval nullif
  octet_length overlay position random regexp_match regexp_matches regexp_replace regexp_split_to_array repeat replace reverse right round
  row_number rpad rtrim set_config setval sign split_part sqrt statement_timestamp string_agg string_to_array strpos substr substring sum
  timezone to_char to_date to_json to_jsonb to_number to_timestamp transaction_timestamp translate trim trunc unnest upper
  uuid_generate_v4 pg_sleep`.split(/\s+/),
)

function unknownCalls(tree: unknown): string | null {
  const calls = collect<{ funcname?: unknown }>(tree, 'FuncCall')
    .map((c) => strings(c.funcname))
    .filter((name) => !(BUILTINS.has(name[name.length - 1] ?? '') && (name.length === 1 || name[0] === 'pg_catalog')))
    .map((name) => `${name.join('.')}()`)
  return calls.length ? `calls ${[...new Set(calls)].join(', ')}, whose locks are not known` : null
}

/** Tables a query reads (CTE names left out), each with ACCESS SHARE unless `mode` says otherwise. */
function readTables(tree: unknown, mode: LockMode = 'ACCESS SHARE'): TableLock[] {
  const ctes = new Set(collect<{ ctename?: string }>(tree, 'CommonTableExpr').map((c) => c.ctename))
  return collect<RangeVar>(tree, 'RangeVar')
    .filter((r) => r.schemaname || !ctes.has(r.relname))
    .flatMap((r) => {
      const name = nameOf(r)
      return name ? [{ table: name, mode }] : []
    })
}

/** A relation field of the parse tree (not wrapped in a RangeVar key) locked in `mode`. */
const lockOn = (relation: unknown, mode: LockMode): TableLock[] => {
  const table = nameOf(relation as RangeVar | undefined)
  return table ? [{ table, mode }] : []
}

const foreignKeyTargets = (tree: unknown) =>
  collect<{ contype?: string; pktable?: RangeVar }>(tree, 'Constraint')
    .filter((c) => c.contype === 'CONSTR_FOREIGN')
    .flatMap((c) => {
      const name = nameOf(c.pktable)
      return name ? [{ table: name, mode: 'SHARE ROW EXCLUSIVE' as const }] : []
    })

const SHARE_UPDATE_EXCLUSIVE_COMMANDS = new Set([
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_ClusterOn',
  'AT_DropCluster',
  'AT_ValidateConstraint',
  'AT_SetRelOptions',
  'AT_ResetRelOptions',
  'AT_AddInherit',
  'AT_DropInherit',
  'AT_DetachPartitionFinalize',
])
const SHARE_ROW_EXCLUSIVE_COMMANDS = new Set([
  'AT_EnableTrig',
  'AT_EnableAlwaysTrig',
  'AT_EnableReplicaTrig',
  'AT_EnableTrigAll',
  'AT_EnableTrigUser',
  'AT_DisableTrig',
  'AT_DisableTrigAll',
  'AT_DisableTrigUser',
])

/** ALTER TABLE: each subcommand's lock on the table (the strongest wins), plus what its parts lock elsewhere. */
function alterTableLocks(node: Node): TableLock[] {
  const table = nameOf(node.relation as RangeVar) ?? '?'
  const locks: TableLock[] = []
  for (const { AlterTableCmd: cmd } of (node.cmds ?? []) as { AlterTableCmd: Node }[]) {
    const subtype = String(cmd.subtype)
    const def = (cmd.def ?? {}) as Node
    let mode: LockMode = 'ACCESS EXCLUSIVE'
    if (SHARE_UPDATE_EXCLUSIVE_COMMANDS.has(subtype)) mode = 'SHARE UPDATE EXCLUSIVE'
    else if (SHARE_ROW_EXCLUSIVE_COMMANDS.has(subtype)) mode = 'SHARE ROW EXCLUSIVE'
    else if (subtype === 'AT_AddConstraint' && (def.Constraint as Node | undefined)?.contype === 'CONSTR_FOREIGN')
      mode = 'SHARE ROW EXCLUSIVE'
    else if (subtype === 'AT_AttachPartition') {
      mode = 'SHARE UPDATE EXCLUSIVE'
      const partition = nameOf(((def.PartitionCmd as Node | undefined)?.name ?? undefined) as RangeVar | undefined)
      if (partition) locks.push({ table: partition, mode: 'ACCESS EXCLUSIVE' })
    } else if (subtype === 'AT_DetachPartition') {
      const partitionCmd = (def.PartitionCmd ?? {}) as Node
      mode = partitionCmd.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE'
      const partition = nameOf(partitionCmd.name as RangeVar | undefined)
      if (partition)
        locks.push({ table: partition, mode: partitionCmd.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE' })
    } else if (node.objtype === 'OBJECT_INDEX' && (subtype === 'AT_SetRelOptions' || subtype === 'AT_ResetRelOptions'))
      mode = 'SHARE UPDATE EXCLUSIVE'
    locks.push({ table, mode })
    // A foreign key also takes SHARE ROW EXCLUSIVE on the table it references.
    locks.push(...foreignKeyTargets(def))
  }
  return locks
}

const RELATION_OBJECTS = new Set([
  'OBJECT_TABLE',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_SEQUENCE',
  'OBJECT_FOREIGN_TABLE',
  'OBJECT_COLUMN',
  'OBJECT_TABCONSTRAINT',
  'OBJECT_TRIGGER',
  'OBJECT_RULE',
  'OBJECT_POLICY',
])

const result = (locks: TableLock[], extra: Partial<LockAnalysis> = {}): LockAnalysis => ({
  locks,
  unknown: null,
  note: null,
  subject: null,
  ...extra,
})
const dml = (target: RangeVar | undefined, mode: LockMode, node: Node): LockAnalysis => {
  const table = nameOf(target)
  const others = readTables(node).filter((l) => l.table !== table)
  return result([...(table ? [{ table, mode }] : []), ...others], { unknown: unknownCalls(node), subject: table })
}

/** The locks statement `node` of parser kind `kind` takes. */
export function analyseLocks(kind: string, node: Node): LockAnalysis {
  switch (kind) {
    case 'SelectStmt': {
      const locking = Array.isArray(node.lockingClause) && node.lockingClause.length > 0
      return result(readTables(node, locking ? 'ROW SHARE' : 'ACCESS SHARE'), { unknown: unknownCalls(node) })
    }
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
      return dml(node.relation as RangeVar, 'ROW EXCLUSIVE', node)
    case 'CopyStmt':
      return dml(node.relation as RangeVar, node.is_from ? 'ROW EXCLUSIVE' : 'ACCESS SHARE', node)
    case 'CreateStmt': {
      const table = nameOf(node.relation as RangeVar)
      const parents = ((node.inhRelations ?? []) as { RangeVar: RangeVar }[]).flatMap(({ RangeVar: r }) => {
        const name = nameOf(r)
        // A new partition takes ACCESS EXCLUSIVE on its parent; a new child of plain inheritance SHARE UPDATE EXCLUSIVE.
        return name
          ? [
              {
                table: name,
                mode: node.partbound ? ('ACCESS EXCLUSIVE' as const) : ('SHARE UPDATE EXCLUSIVE' as const),
              },
            ]
          : []
      })
      return result([...parents, ...foreignKeyTargets(node.tableElts)], { subject: table, note: 'a new table' })
    }
    case 'CreateTableAsStmt':
      return result(readTables(node.query), {
        unknown: unknownCalls(node.query),
        subject: nameOf((node.into as Node | undefined)?.rel as RangeVar),
        note: 'a new table',
      })
    case 'ViewStmt': {
      const view = nameOf(node.view as RangeVar)
      const replaced = node.replace && view ? [{ table: view, mode: 'ACCESS EXCLUSIVE' as const }] : []
      return result([...replaced, ...readTables(node.query)], { unknown: unknownCalls(node.query), subject: view })
    }
    case 'IndexStmt': {
      const table = nameOf(node.relation as RangeVar)
      return result(table ? [{ table, mode: node.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE' }] : [], {
        subject: table,
      })
    }
    case 'AlterTableStmt':
      return result(alterTableLocks(node), { subject: nameOf(node.relation as RangeVar) })
    case 'RenameStmt': {
      const relation = nameOf(node.relation as RangeVar)
      if (!relation) return result([], { note: 'renames an object that is not a table' })
      // Renaming an index takes SHARE UPDATE EXCLUSIVE (PostgreSQL 12 and later); anything else on a table ACCESS EXCLUSIVE.
      return result(
        [{ table: relation, mode: node.renameType === 'OBJECT_INDEX' ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE' }],
        { subject: relation },
      )
    }
    case 'AlterObjectSchemaStmt':
    case 'AlterOwnerStmt': {
      const relation = nameOf(node.relation as RangeVar)
      return relation
        ? result([{ table: relation, mode: 'ACCESS EXCLUSIVE' }], { subject: relation })
        : result([], { note: 'changes an object that is not a table' })
    }
    case 'DropStmt': {
      const type = String(node.removeType)
      const objects = ((node.objects ?? []) as unknown[]).map(objectName).filter((n): n is string => !!n)
      if (type === 'OBJECT_INDEX')
        return result(
          objects.map((table) => ({
            table: `${table} (index) and its table`,
            mode: node.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE',
          })),
        )
      if (['OBJECT_TRIGGER', 'OBJECT_RULE', 'OBJECT_POLICY'].includes(type))
        return result(
          objects.map((o) => ({ table: o.split('.').slice(0, -1).join('.'), mode: 'ACCESS EXCLUSIVE' as const })),
        )
      if (RELATION_OBJECTS.has(type))
        return result(
          objects.map((table) => ({ table, mode: 'ACCESS EXCLUSIVE' as const })),
          { subject: objects[0] ?? null },
        )
      if (type === 'OBJECT_SCHEMA')
        return result(
          objects.map((schema) => ({ table: `every table in schema ${schema}`, mode: 'ACCESS EXCLUSIVE' as const })),
        )
      if (type === 'OBJECT_EXTENSION') return result([], { unknown: 'drops an extension and whatever it created' })
      if (node.behavior === 'DROP_CASCADE')
        return result([], { unknown: 'CASCADE drops whatever depends on it, tables and columns included' })
      return result([], { note: 'drops an object that is not a table' })
    }
    case 'TruncateStmt':
      return result(readTables(node.relations, 'ACCESS EXCLUSIVE'))
    case 'LockStmt':
      return result(readTables(node.relations, LOCK_MODES[Math.min(Math.max(Number(node.mode) - 1, 0), 7)]))
    case 'CreateTrigStmt':
      return result(lockOn(node.relation, 'SHARE ROW EXCLUSIVE'), { subject: nameOf(node.relation as RangeVar) })
    case 'RuleStmt':
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      return result(lockOn(node.relation ?? node.table, 'ACCESS EXCLUSIVE'), {
        subject: nameOf((node.relation ?? node.table) as RangeVar),
      })
    case 'CommentStmt': {
      const type = String(node.objtype)
      if (!RELATION_OBJECTS.has(type)) return result([], { note: 'comments on an object that is not a table' })
      const name = objectName(node.object) ?? ''
      return result([
        {
          table:
            type === 'OBJECT_COLUMN' || type === 'OBJECT_TABCONSTRAINT' ? name.split('.').slice(0, -1).join('.') : name,
          mode: 'SHARE UPDATE EXCLUSIVE',
        },
      ])
    }
    case 'CreateStatsStmt':
      return result(readTables(node.relations, 'SHARE UPDATE EXCLUSIVE'))
    case 'VacuumStmt': {
      const full = collect<{ defname?: string }>(node.options, 'DefElem').some((d) => d.defname === 'full')
      const mode: LockMode = node.is_vacuumcmd && full ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE'
      const tables = collect<{ relation?: RangeVar }>(node.rels, 'VacuumRelation').flatMap((r) =>
        lockOn(r.relation, mode),
      )
      return result(tables.length ? tables : [{ table: 'every table in the database', mode }])
    }
    case 'ClusterStmt':
      return result(
        node.relation
          ? lockOn(node.relation, 'ACCESS EXCLUSIVE')
          : [{ table: 'every clustered table', mode: 'ACCESS EXCLUSIVE' }],
      )
    case 'ReindexStmt': {
      const concurrently = JSON.stringify(node.params ?? []).includes('"concurrently"')
      const target =
        nameOf(node.relation as RangeVar) ??
        (typeof node.name === 'string' ? `every table in ${node.name}` : 'its tables')
      return result([{ table: target, mode: concurrently ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE' }])
    }
    case 'RefreshMatViewStmt':
      return result(lockOn(node.relation, node.concurrent ? 'EXCLUSIVE' : 'ACCESS EXCLUSIVE'))
    case 'AlterSeqStmt':
      return result(lockOn(node.sequence, 'SHARE ROW EXCLUSIVE'))
    case 'AlterEnumStmt':
      return result([], { note: 'ALTER TYPE … ADD VALUE and RENAME VALUE lock the type, not the tables that use it' })
    case 'AlterDomainStmt':
      return node.subtype === 'C' || node.subtype === 'V' || node.subtype === 'O'
        ? result([{ table: 'every table with a column of the domain', mode: 'SHARE' }])
        : result([{ table: 'every table with a column of the domain', mode: 'ACCESS EXCLUSIVE' }])
    case 'ExplainStmt':
      return analyseLocks(...((Object.entries((node.query ?? {}) as Node)[0] ?? ['Unknown', {}]) as [string, Node]))
    case 'DoStmt':
      return result([], { unknown: 'a DO block: what its body locks is not analysed' })
    case 'CallStmt':
      return result([], {
        unknown: `calls the procedure ${strings(((node.funccall ?? {}) as Node).funcname).join('.')}(), whose locks are not known`,
      })
    case 'CreateExtensionStmt':
    case 'AlterExtensionStmt':
      return result([], { unknown: "runs the extension's own script" })
    case 'GrantStmt':
    case 'GrantRoleStmt':
    case 'AlterDefaultPrivilegesStmt':
      return result([], { unknown: 'privileges: the lock is not documented' })
    case 'CreateSeqStmt':
    case 'CreateFunctionStmt':
    case 'CreateEnumStmt':
    case 'CompositeTypeStmt':
    case 'CreateDomainStmt':
    case 'CreateRangeStmt':
    case 'DefineStmt':
    case 'CreateSchemaStmt':
      return result([], { note: 'creates a new object' })
    case 'VariableSetStmt':
    case 'VariableShowStmt':
    case 'TransactionStmt':
    case 'NotifyStmt':
    case 'ListenStmt':
    case 'UnlistenStmt':
    case 'DiscardStmt':
    case 'CheckPointStmt':
      return result([])
    default:
      return result([], { unknown: `${kind}: not analysed` })
  }
}

const rank = (mode: LockMode) => LOCK_MODES.indexOf(mode)

/** One line for people: "SHARE ROW EXCLUSIVE on Booking and User", "unknown (a DO block…)", "no table lock". */
export function describeLocks({ locks, unknown, note }: LockAnalysis): string {
  const byMode = new Map<LockMode, string[]>()
  for (const { table, mode } of [...locks].sort((a, b) => rank(b.mode) - rank(a.mode))) {
    const tables = byMode.get(mode) ?? []
    // A table locked twice keeps only its strongest mode.
    if (!locks.some((l) => l.table === table && rank(l.mode) > rank(mode)) && !tables.includes(table))
      tables.push(table)
    byMode.set(mode, tables)
  }
  const parts = [...byMode]
    .filter(([, tables]) => tables.length)
    .map(
      ([mode, tables]) =>
        `${mode} on ${tables.length > 1 ? `${tables.slice(0, -1).join(', ')} and ${tables[tables.length - 1]}` : tables[0]}`,
    )
  if (unknown) parts.push(`unknown (${unknown})`)
  if (parts.length === 0) return note ? `no table lock (${note})` : 'no table lock'
  return parts.join('; ')
}

/** The strongest mode the statement takes, or "unknown" when part of it is unknown. */
export function strongestLock({
  locks,
  unknown,
}: Pick<LockAnalysis, 'locks' | 'unknown'>): LockMode | 'unknown' | null {
  if (unknown) return 'unknown'
  return locks.reduce<LockMode | null>(
    (strongest, { mode }) => (strongest === null || rank(mode) > rank(strongest) ? mode : strongest),
    null,
  )
}
