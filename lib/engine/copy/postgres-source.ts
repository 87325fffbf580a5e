import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import type pg from 'pg'
import { escapeLiteral } from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import { openTargetConnection } from '@/lib/targets/sql/session'
import { HISTORY_TABLE } from '@/lib/targets/sql/history'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { quoteIdent } from '@/lib/targets/quote'
import {
  keyValueText,
  type NotCopied,
  type ChunkReader,
  type ChunkResult,
  type ColumnPlan,
  type CopySource,
  type Ddl,
  type KeyValue,
  type OptionalStatement,
  type PostLoadKind,
  type PostLoadStatement,
  type SourceTable,
} from './model'
import { HELD_KEY_TABLE } from './held-keys'
import { readUserTypes, usedExtensions } from './postgres-types'
import { catalogTypeOf, mappedPgType } from './sqlite-types'
import { copyChecked } from './postgres-checked'
import { checkPostgresMapping, mappedColumns, type Mapped } from './postgres-mapping'
import type { CopyMode } from './state'
import { EMPTY_MAPPING, tableMappingOf } from '@/lib/domain/mapping-lookup'
import type { TCopyMapping } from '@/lib/domain/mapping'
import { COPY_TABLE, PART_TABLE } from './state'

// A PostgreSQL database as a copy source (consolidating databases). Rows move as COPY TO STDOUT piped
// straight into the target's COPY FROM STDIN – binary when every column keeps its type, text otherwise –
// without being decoded in between. Tables are read in primary-key ranges (resumable chunk by chunk); a
// table without a primary key is copied in one transaction, and restarted whole when interrupted.

/** `sequence`: the sequence a `nextval()` default draws from, whether this column owns it (a serial), and how to create it. */
export type PgSequence = { name: string; owned: boolean; definition: string; last: string | null }
type PgColumn = {
  name: string
  type: string
  typeOid: number
  notNull: boolean
  default: string | null
  identity: string
  generated: string
  typtype: string
  builtin: boolean
  baseType: string | null
  sequence: PgSequence | null
}
/** `referencedAs`: for a foreign key to a table of the same schema, the head of `def` up to that table's name and `(`. */
export type PgConstraint = {
  name: string
  type: string
  def: string
  references: string | null
  referencedAs: string | null
  columns: string[]
  refColumns: string[]
  validated: boolean
}
/** `head`: the start of `def` up to `USING method `, exactly as pg_get_indexdef prints it. */
export type PgIndex = { name: string; unique: boolean; method: string; def: string; head: string; columns: string[] }
/** `kind`: r a table, p a partitioned table (read with its partitions); `parents`: the tables it inherits from; `partitions`: how many it has. */
export type PgTable = {
  oid: number
  name: string
  kind: 'r' | 'p'
  parents: string[]
  partitions: number
  columns: PgColumn[]
  primaryKey: string[]
  keyTypes: string[]
  constraints: PgConstraint[]
  indexes: PgIndex[]
}

const INTEGER_TYPES = new Set(['smallint', 'integer', 'bigint'])
/** pg_constraint.contype, as the statements after the load name what they make. */
const CONSTRAINT_KINDS: Partial<Record<string, PostLoadKind>> = {
  p: 'primary key',
  u: 'unique',
  c: 'check',
  x: 'exclusion',
  f: 'foreign key',
}
const OWN_TABLES = [HISTORY_TABLE, COPY_TABLE, PART_TABLE, HELD_KEY_TABLE]

/**
 * The table as a query reads its own rows: a partitioned table with all its partitions (which are not listed
 * as tables), a plain table without the rows of tables that inherit from it (they are copied as themselves).
 */
export const ownRows = (table: { kind: 'r' | 'p' }, qualified: string) =>
  table.kind === 'p' ? qualified : `ONLY ${qualified}`

/**
 * Creates the target's schema when it is missing – only then asking for the right to create schemas – and says
 * which GRANT is missing when the role may not (describeDdlError shows such a message as it is).
 */
export const createSchemaSql = (schema: string) => {
  const name = escapeLiteral(quoteIdent(schema))
  return `DO $lockstep$ BEGIN
  IF to_regnamespace(${name}) IS NULL THEN CREATE SCHEMA ${quoteIdent(schema)}; END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE EXCEPTION 'The target''s role “%” may not create the schema “%” for the source''s tables of that schema. Run GRANT CREATE ON DATABASE % TO %, or create the schema first and GRANT USAGE, CREATE ON SCHEMA % TO %.',
    current_user, ${escapeLiteral(schema)}, quote_ident(current_database()), quote_ident(current_user), quote_ident(${escapeLiteral(schema)}), quote_ident(current_user) USING ERRCODE = 'insufficient_privilege';
END $lockstep$`
}

/** The tables of `schema` (Lockstep's own bookkeeping tables left out): columns, keys, constraints, indexes. */
export async function readSchema(client: pg.Client, schema: string): Promise<PgTable[]> {
  const tables = await client.query<{
    oid: number
    name: string
    kind: 'r' | 'p'
    parents: string[]
    partitions: number
  }>(
    `SELECT c.oid, c.relname AS name, c.relkind AS kind,
            array(SELECT p.relname::text FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid ORDER BY i.inhseqno) AS parents,
            (SELECT count(*)::int FROM pg_inherits i WHERE i.inhparent = c.oid AND c.relkind = 'p') AS partitions
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> ALL ($2) ORDER BY c.relname`,
    [schema, OWN_TABLES],
  )
  const oids = tables.rows.map((t) => t.oid)
  const columns = await client.query<PgColumn & { table: number }>(
    `SELECT a.attrelid AS "table", a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.atttypid::int AS "typeOid", a.attnotnull AS "notNull",
            pg_get_expr(d.adbin, d.adrelid) AS default, a.attidentity AS identity, a.attgenerated AS generated, t.typtype,
            tn.nspname = 'pg_catalog' AS builtin, CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS "baseType",
            (SELECT jsonb_build_object('name', s.relname, 'last', ps.last_value::text,
                      'owned', EXISTS (SELECT 1 FROM pg_depend o WHERE o.classid = 'pg_class'::regclass AND o.objid = s.oid AND o.refobjid = a.attrelid AND o.refobjsubid = a.attnum AND o.deptype = 'a'),
                      'definition', format('AS %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s%s', ps.data_type, ps.increment_by, ps.min_value, ps.max_value, ps.start_value, ps.cache_size, CASE WHEN ps.cycle THEN ' CYCLE' ELSE '' END))
               FROM pg_depend sd JOIN pg_class s ON s.oid = sd.refobjid AND s.relkind = 'S' JOIN pg_namespace sn ON sn.oid = s.relnamespace
               JOIN pg_sequences ps ON ps.schemaname = sn.nspname AND ps.sequencename = s.relname
              WHERE sd.classid = 'pg_attrdef'::regclass AND sd.objid = d.oid AND sd.refclassid = 'pg_class'::regclass LIMIT 1) AS sequence
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid JOIN pg_namespace tn ON tn.oid = t.typnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = ANY ($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum`,
    [oids],
  )
  // A foreign key's definition names the table it references with its schema unless the search_path shows
  // it (REFERENCES src.customers(id)); "referencedAs" is that head exactly as pg_get_constraintdef prints it.
  const constraints = await client.query<PgConstraint & { table: number }>(
    `SELECT c.conrelid AS "table", c.conname AS name, c.contype AS type, pg_get_constraintdef(c.oid) AS def, r.relname AS "references", c.convalidated AS validated,
            coalesce((SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(num, ord) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num), '{}') AS columns,
            coalesce((SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(num, ord) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num), '{}') AS "refColumns",
            CASE WHEN c.contype = 'f' AND rn.nspname = $2 THEN
              'FOREIGN KEY (' || (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(num, ord) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num)
              || ') REFERENCES ' || CASE WHEN pg_table_is_visible(r.oid) THEN '' ELSE quote_ident(rn.nspname) || '.' END || quote_ident(r.relname) || '('
            END AS "referencedAs"
       FROM pg_constraint c LEFT JOIN pg_class r ON r.oid = c.confrelid LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
      WHERE c.conrelid = ANY ($1) AND c.contype IN ('p', 'u', 'f', 'c', 'x') ORDER BY c.conrelid, c.contype, c.conname`,
    [oids, schema],
  )
  // pg_get_indexdef names the source's schema and table (CREATE INDEX x ON src.t USING btree (a)); "head" is
  // that start exactly as it prints it (its format, quote_ident being its quote_identifier).
  const indexes = await client.query<PgIndex & { table: number }>(
    `SELECT i.indrelid AS "table", ic.relname AS name, i.indisunique AS "unique", am.amname AS method, pg_get_indexdef(i.indexrelid) AS def,
            format('CREATE %sINDEX %s ON %s%s.%s USING %s ', CASE WHEN i.indisunique THEN 'UNIQUE ' END, quote_ident(ic.relname), CASE WHEN ic.relkind = 'I' THEN 'ONLY ' END,
                   quote_ident(tn.nspname), quote_ident(t.relname), quote_ident(am.amname)) AS head,
            array(SELECT DISTINCT a.attname::text FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                   WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0) AS columns
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
       JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
      WHERE i.indrelid = ANY ($1) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
      ORDER BY i.indrelid, i.indexrelid`,
    [oids],
  )
  return tables.rows.map((t) => {
    const cols = columns.rows.filter((c) => c.table === t.oid)
    const primaryKey = constraints.rows.find((c) => c.table === t.oid && c.type === 'p')?.columns ?? []
    return {
      oid: t.oid,
      name: t.name,
      kind: t.kind,
      parents: t.parents,
      partitions: t.partitions,
      columns: cols,
      primaryKey,
      keyTypes: primaryKey.map((k) => cols.find((c) => c.name === k)?.type ?? 'text'),
      constraints: constraints.rows.filter((c) => c.table === t.oid),
      indexes: indexes.rows.filter((i) => i.table === t.oid),
    }
  })
}

/** `def` with its `head` (as the source printed it) replaced: the same index or foreign key on the target's tables. */
function replaceHead(what: string, def: string, head: string, replacement: string): string {
  if (!def.startsWith(head))
    throw new Error(
      `The source defines ${what} in an unexpected form, which cannot be moved to the target schema: ${def}`,
    )
  return replacement + def.slice(head.length)
}

const NOT_RECREATED =
  "a copy recreates tables with their keys, indexes, constraints and types; create views, functions and triggers on the target with the application's own migrations"

// The schema's objects the copy does not recreate (an extension's own, and a range type's constructors, are left
// out: the extension or the type brings them).
const NOT_COPIED_SQL = `SELECT kind, array_agg(name ORDER BY name) AS names FROM (
    SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'foreign table' END AS kind, c.relname::text AS name
      FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('v', 'm', 'f')
    UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END, p.proname::text
      FROM pg_proc p WHERE p.pronamespace = $1::regnamespace AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype IN ('e', 'i'))
    UNION ALL
    SELECT 'trigger', c.relname || '.' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
     WHERE c.relnamespace = $1::regnamespace AND NOT t.tgisinternal AND t.tgparentid = 0
  ) o GROUP BY kind ORDER BY kind`

/** Opens a read-only transaction on `snapshot` (left open: the connection reads nothing else until it closes). */
async function inSnapshot(client: pg.Client, snapshot: string | undefined) {
  if (!snapshot) return
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
  await client.query(`SET TRANSACTION SNAPSHOT ${client.escapeLiteral(snapshot)}`)
}

/**
 * The tables of one schema of a PostgreSQL database. `deferCrossSchemaKeys`: foreign keys to tables of other
 * schemas are left to the caller (copySchemas adds them once every schema is loaded) instead of being made here.
 */
export function postgresSource(
  target: PostgresTarget,
  options: {
    schema?: string
    label?: string
    deferCrossSchemaKeys?: boolean
    /** The mapping of this schema's tables (named without the schema): see postgres-mapping.ts. */
    mapping?: TCopyMapping
    /** Into new tables, columns take their new names after the load; into existing ones, they have them. */
    mode?: CopyMode
    /**
     * An exported snapshot (a sync's replication slot made it): every connection reads the database as it was
     * at that moment, so the copy meets the slot's first change exactly.
     */
    snapshot?: string
  } = {},
): CopySource {
  const schema = options.schema ?? 'public'
  const mapping = options.mapping ?? EMPTY_MAPPING
  const mode = options.mode ?? 'create'
  // A table is known by its name on the target (the mapping's, else its own), as the copy's record names it.
  const targetNameOf = (name: string) => tableMappingOf(mapping, name)?.rename ?? name
  let main: pg.Client | null = null
  let known: PgTable[] = []
  const notes: string[] = []
  let objectsLeft: NotCopied[] = []
  // With the copied schema alone on the search path, definitions (defaults, checks, index expressions) name its
  // types, sequences and functions unqualified, so that they resolve to their copies in the target's schema.
  const connection = async () => {
    if (main) return main
    const client = await openTargetConnection(target, 'lockstep copy (source)')
    await client.query(`SELECT set_config('search_path', $1, false)`, [quoteIdent(schema)])
    await inSnapshot(client, options.snapshot)
    return (main = client)
  }
  const tableOf = (name: string) => {
    const table = known.find((t) => targetNameOf(t.name) === name)
    if (!table) throw new Error(`The source has no table “${name}”.`)
    return table
  }
  const q = (name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`
  /** The rows of a table (by its target name) as the copy reads them: its own, those its mapping's filter keeps. */
  const rowsOf = (name: string) => {
    const t = tableOf(name)
    return ownRows(t, q(t.name))
  }
  const filterOf = (name: string) => tableMappingOf(mapping, tableOf(name).name)?.filter ?? null
  const mapped = (t: PgTable) => mappedColumns(t, mapping)
  /** The columns of a source table (by its source name) that the mapping leaves out. */
  const leftOutOf = (sourceName: string) =>
    new Set(
      tableMappingOf(mapping, sourceName)
        ?.columns.filter((c) => c.omit)
        .map((c) => c.column) ?? [],
    )

  return {
    engine: 'postgres',
    label: options.label ?? `${target.host}:${target.port}/${target.database}`,
    leftOut: () => [...notes],
    async tables(only) {
      const client = await connection()
      known = await readSchema(client, schema)
      await checkPostgresMapping(client, known, mapping, (t) => ownRows(t, q(t.name)))
      const missing = (only ?? []).filter(
        (name) => !known.some((t) => t.name === name || targetNameOf(t.name) === name),
      )
      if (missing.length)
        throw new Error(`The source has no table ${missing.map((m) => `“${m}”`).join(', ')} in the schema ${schema}.`)
      const chosen = known.filter((t) => !only || only.includes(t.name) || only.includes(targetNameOf(t.name)))
      notes.length = 0
      const skipped = await client.query<{ kind: string; names: string[] }>(NOT_COPIED_SQL, [quoteIdent(schema)])
      // Listed one by one as not copied (the summary, the run page, the CLI's exit code 4), never only mentioned.
      objectsLeft = skipped.rows.flatMap((r) =>
        r.names.map((name) => ({
          table: r.kind === 'trigger' ? (name.split('.')[0] ?? null) : null,
          object: `${r.kind} ${name}`,
          reason: NOT_RECREATED,
        })),
      )
      const result: SourceTable[] = []
      for (const t of chosen) {
        const name = targetNameOf(t.name)
        const filter = filterOf(name)
        const rows = Number(
          (
            await client.query<{ n: string }>(
              `SELECT count(*) AS n FROM ${rowsOf(name)}${filter ? ` WHERE ${filter}` : ''}`,
            )
          ).rows[0]?.n ?? 0,
        )
        const key =
          t.primaryKey.length === 0
            ? 'none'
            : t.primaryKey.length === 1 && INTEGER_TYPES.has(t.keyTypes[0] ?? '')
              ? 'integer'
              : 'composite'
        result.push({
          name,
          // Into existing tables a column goes to its new name at once; new tables are made with the source's
          // names (their keys, indexes and checks are the source's own definitions) and renamed after the load.
          columns: mapped(t).map((c) => ({
            name: c.name,
            type: c.rule?.type ? mappedPgType(c.rule.type) : catalogTypeOf(c.type),
            ...(mode === 'existing' && c.rule?.rename ? { targetName: c.rule.rename } : {}),
          })),
          rows,
          key,
          // Only references within the schema order its tables (referencedAs is set for those alone).
          references: [
            ...new Set(
              t.constraints
                .filter((c) => c.type === 'f' && c.referencedAs !== null && c.references && c.references !== t.name)
                .map((c) => targetNameOf(c.references as string)),
            ),
          ],
        })
      }
      return result
    },
    async ddl(tables, targetSchema) {
      const warnings: string[] = []
      const client = await connection()
      const types = await readUserTypes(
        client,
        tables.flatMap(({ name }) => tableOf(name).columns.map((c) => c.typeOid)),
      )
      const extensions = await usedExtensions(
        client,
        tables.map(({ name }) => tableOf(name).oid),
      )
      // SET LOCAL: for the transaction that creates the tables; public stays visible for Lockstep's own tables.
      const searchPath = `SET LOCAL search_path TO ${[...new Set([quoteIdent(targetSchema), 'public'])].join(', ')}`
      const tablesSql: string[] = []
      const sequenceSql: string[] = []
      const sequences = new Set<string>()
      const keys: PostLoadStatement[] = []
      const after: PostLoadStatement[] = []
      const fks: PostLoadStatement[] = []
      const tq = (name: string) => `${quoteIdent(targetSchema)}.${quoteIdent(name)}`
      for (const note of types.notes) warnings.push(`Types: ${note}.`)
      if (extensions.length)
        warnings.push(
          `Extensions the tables' defaults, indexes or checks use, created on the target when missing: ${extensions.map((e) => e.name).join(', ')}.`,
        )
      const users = (sequence: string) =>
        known.reduce((n, t) => n + t.columns.filter((c) => c.sequence?.name === sequence).length, 0)
      const optional: OptionalStatement[] = []
      const renames: PostLoadStatement[] = []
      const notCopied: NotCopied[] = []
      for (const { name } of tables) {
        const t = tableOf(name)
        const columnsOf = mapped(t)
        const left = new Set(t.columns.filter((c) => !columnsOf.includes(c as Mapped<PgColumn>)).map((c) => c.name))
        const changed = new Set(columnsOf.filter((c) => c.rule?.type || c.rule?.transform).map((c) => c.name))
        const needsLeftOut = (object: string, columns: readonly string[]) => {
          const gone = columns.find((c) => left.has(c))
          if (gone)
            notCopied.push({
              table: name,
              object,
              reason: `it uses ${gone}, which the mapping leaves out`,
              asked: true,
            })
          return !!gone
        }
        if (t.kind === 'p')
          warnings.push(
            `${t.name}: partitioned on the source (${t.partitions} partition${t.partitions === 1 ? '' : 's'}); created as one table holding the rows of all of them.`,
          )
        if (t.parents.length)
          warnings.push(
            `${t.name}: inherits from ${t.parents.join(', ')} on the source; created as a table of its own, its rows copied here only (not again with its parent).`,
          )
        const columns = columnsOf.map((c) => {
          if (changed.has(c.name)) {
            // The mapping makes the values: the source's default, identity or generation no longer describes them.
            const type = c.rule?.type ? mappedPgType(c.rule.type).sql : (types.columnType(c.typeOid, c.type) ?? 'text')
            if (c.default !== null || c.identity || c.generated)
              warnings.push(
                `${name}.${c.name}: the mapping changes its values, so its ${c.generated ? 'generation' : c.identity ? 'identity' : 'default'} (${c.default ?? 'identity'}) is left out`,
              )
            return `${quoteIdent(c.name)} ${type}${c.notNull ? ' NOT NULL' : ''}`
          }
          const type = types.columnType(c.typeOid, c.type)
          if (type === null)
            warnings.push(`${t.name}.${c.name}: the type ${c.type} cannot be recreated on the target; copied as text`)
          // A serial becomes an identity – unless other columns draw from its sequence too (an inheritance child).
          const serial =
            !c.identity && c.sequence?.owned === true && INTEGER_TYPES.has(c.type) && users(c.sequence.name) === 1
          // A sequence no column owns (shared, or made by hand) is created as it is, and the default keeps using it.
          if (c.sequence && !serial && !c.identity && !sequences.has(c.sequence.name)) {
            sequences.add(c.sequence.name)
            sequenceSql.push(`CREATE SEQUENCE IF NOT EXISTS ${quoteIdent(c.sequence.name)} ${c.sequence.definition}`)
            // Where the source's sequence stands (never back, when an earlier copy made it already).
            if (c.sequence.last !== null)
              sequenceSql.push(
                `SELECT setval(${escapeLiteral(quoteIdent(c.sequence.name))}, greatest(${c.sequence.last}, last_value)) FROM ${quoteIdent(c.sequence.name)}`,
              )
          }
          let sql = `${quoteIdent(c.name)} ${type ?? 'text'}`
          if (c.generated) sql += ` GENERATED ALWAYS AS (${c.default}) STORED`
          else if (c.identity || serial) sql += ` GENERATED ${c.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`
          else if (c.default !== null && type !== null) sql += ` DEFAULT ${c.default}`
          else if (c.default !== null)
            warnings.push(`${t.name}.${c.name}: the default ${c.default} is left out (the column is text)`)
          if (c.notNull && !c.identity && !serial) sql += ' NOT NULL'
          return sql
        })
        tablesSql.push(`CREATE TABLE ${tq(name)} (\n  ${columns.join(',\n  ')}\n)`)
        for (const c of t.constraints) {
          if (c.type === 'f' && c.referencedAs === null && options.deferCrossSchemaKeys) continue
          const kindName = CONSTRAINT_KINDS[c.type] ?? 'check'
          if (needsLeftOut(`${kindName} ${c.name}`, c.columns)) continue
          if (
            c.type === 'f' &&
            c.references &&
            c.referencedAs !== null &&
            needsLeftOut(
              `${kindName} ${c.name}`,
              c.refColumns.filter((r) => leftOutOf(c.references as string).has(r)),
            )
          )
            continue
          // A reference to a table of the source's schema becomes one to the same table in the target's.
          const def =
            c.referencedAs !== null && c.references !== null
              ? replaceHead(
                  `the foreign key ${c.name}`,
                  c.def,
                  c.referencedAs,
                  `FOREIGN KEY (${c.columns.map(quoteIdent).join(', ')}) REFERENCES ${tq(targetNameOf(c.references))}(`,
                )
              : c.def
          const statement = `ALTER TABLE ${tq(name)} ADD CONSTRAINT ${quoteIdent(c.name)} ${def}`
          const kind = kindName
          // A constraint's name is unique on its table, an index's in its schema.
          const record = { kind, table: name, name: `${kind} ${name}.${c.name}` }
          if (c.type === 'f') fks.push({ ...record, sql: statement })
          // A check on values the mapping changes may no longer hold, or read: refused, it is reported, not fatal.
          else if (c.type === 'c' && c.columns.some((x) => changed.has(x)))
            optional.push({ ...record, object: `check ${c.name}`, sql: `${searchPath}; ${statement}` })
          else keys.push({ ...record, sql: `${searchPath}; ${statement}` })
        }
        for (const i of t.indexes) {
          if (needsLeftOut(`index ${i.name}`, i.columns)) continue
          after.push({
            kind: 'index',
            table: name,
            name: `index ${i.name}`,
            sql: `${searchPath}; ${replaceHead(`the index ${i.name}`, i.def, i.head, `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(i.name)} ON ${tq(name)} USING ${quoteIdent(i.method)} `)}`,
          })
        }
        // Last of all, once keys, indexes and checks exist under the source's names: PostgreSQL renames them with the column.
        for (const c of columnsOf)
          if (c.rule?.rename && c.rule.rename !== c.name)
            renames.push({
              kind: 'rename',
              table: name,
              name: `rename column ${name}.${c.name}`,
              sql: `ALTER TABLE ${tq(name)} RENAME COLUMN ${quoteIdent(c.name)} TO ${quoteIdent(c.rule.rename)}`,
            })
      }
      // public exists already; another schema is created only when missing (see createSchemaSql).
      const createSchema = targetSchema === 'public' ? [] : [createSchemaSql(targetSchema)]
      // In the schema it has on the source: definitions name its functions with that schema where the copied
      // schema's search path does not show it (public.uuid_generate_v1() in AdventureWorks' production schema).
      const extensionSql = extensions.flatMap((e) =>
        e.schema === 'pg_catalog'
          ? [`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(e.name)}`]
          : [
              `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(e.schema)}`,
              `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(e.name)} SCHEMA ${quoteIdent(e.schema)}`,
            ],
      )
      const beforeLoad = [
        ...createSchema,
        searchPath,
        ...extensionSql,
        ...sequenceSql,
        ...types.statements,
        ...tablesSql,
      ]
      // Identities and sequences are moved past the copied rows by the engine, from the target's catalog.
      return {
        beforeLoad,
        afterLoad: [...keys, ...after, ...fks],
        warnings,
        optional,
        renames,
        notCopied: [...notCopied, ...objectsLeft],
      } satisfies Ddl
    },
    async bounds(table) {
      const t = tableOf(table.name)
      const key = quoteIdent(t.primaryKey[0] ?? '')
      const { rows } = await (
        await connection()
      ).query<{ lo: string | null; hi: string | null }>(
        `SELECT min(${key})::text AS lo, max(${key})::text AS hi FROM ${rowsOf(table.name)}`,
      )
      const row = rows[0]
      return !row || row.lo === null || row.hi === null ? null : { min: BigInt(row.lo), max: BigInt(row.hi) }
    },
    formatFor(table, targetTypes) {
      const columns = mapped(tableOf(table.name)).filter((c) => !c.generated)
      // Binary is exact and cheapest, but only between identical built-in types that the mapping leaves alone.
      return columns.every((c, i) => c.builtin && c.type === targetTypes[i] && !c.rule?.type && !c.rule?.transform)
        ? 'binary'
        : 'text'
    },
    async reader(): Promise<ChunkReader> {
      const client = await openTargetConnection(target, 'lockstep copy (source reader)')
      // Key types are cast by the names the schema reading printed (a domain or enum key).
      await client.query(`SELECT set_config('search_path', $1, false)`, [quoteIdent(schema)])
      await inSnapshot(client, options.snapshot)
      return {
        async chunk(table: SourceTable, columns: ColumnPlan[], range, sink: Writable, format): Promise<ChunkResult> {
          const t = tableOf(table.name)
          const rules = new Map(mapped(t).map((c) => [c.name, c.rule]))
          const read = (c: ColumnPlan) => {
            const transform = rules.get(c.name)?.transform
            return transform ? `(${transform}) AS ${quoteIdent(c.name)}` : quoteIdent(c.name)
          }
          const list = columns.map(read).join(', ')
          const tableFilter = filterOf(table.name)
          const keyList = t.primaryKey.map(quoteIdent).join(', ')
          const keyRow = (values: readonly KeyValue[]) =>
            `(${values.map((v, i) => `${client.escapeLiteral(keyValueText(v))}::${t.keyTypes[i]}`).join(', ')})`
          const where: string[] = []
          let lastKey: KeyValue[] | null = null
          let exhausted = true
          if (tableFilter) where.push(`(${tableFilter})`)
          if (table.key !== 'none') {
            if (range.after) where.push(`(${keyList}) > ${keyRow(range.after)}`)
            if (range.hi !== null && table.key === 'integer')
              where.push(`${keyList} <= ${client.escapeLiteral(range.hi)}::${t.keyTypes[0]}`)
            const filter = where.length ? ` WHERE ${where.join(' AND ')}` : ''
            const upper = await client.query({
              text: `SELECT ${t.primaryKey.map((k) => `${quoteIdent(k)}::text`).join(', ')} FROM ${rowsOf(table.name)}${filter} ORDER BY ${keyList} OFFSET ${range.limit - 1} LIMIT 1`,
              rowMode: 'array',
            })
            const edge = upper.rows[0] as string[] | undefined
            if (edge) {
              where.push(`(${keyList}) <= ${keyRow(edge)}`)
              lastKey = edge
              exhausted = false
            }
          }
          const from = `${rowsOf(table.name)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`
          // Values the mapping changes are checked one by one (a misfit is a rejected row, not a refused chunk).
          const checked = columns.map((c) => !!(rules.get(c.name)?.transform || rules.get(c.name)?.type))
          if (checked.some(Boolean)) {
            const keys = t.primaryKey.length ? t.primaryKey : ['ctid']
            const result = await copyChecked(
              client,
              `SELECT ${keys.map((k) => `${quoteIdent(k)}::text`).join(', ')}, ${list} FROM ${from}`,
              {
                table: table.name,
                keyWidth: keys.length,
                sink,
                columns: columns.map((c, i) => ({
                  name: c.name,
                  type: c.type,
                  checked: checked[i] ?? false,
                  transform: rules.get(c.name)?.transform,
                  notNull: c.notNull ? `NULL in ${c.name}, which is NOT NULL on the target` : undefined,
                })),
              },
            )
            return { ...result, lastKey, exhausted }
          }
          const source = client.query(copyTo(`COPY (SELECT ${list} FROM ${from}) TO STDOUT (FORMAT ${format})`))
          source.pipe(sink, { end: false })
          await finished(source)
          const rows = source.rowCount
          return { read: rows, written: rows, rejects: [], lastKey, exhausted }
        },
        close: () => client.end().catch(() => undefined),
      }
    },
    async close() {
      await main?.end().catch(() => undefined)
      main = null
    },
  }
}
