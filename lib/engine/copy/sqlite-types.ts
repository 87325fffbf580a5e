import type { ColumnKind } from '@/lib/domain/source-profile'

// The SQLite → PostgreSQL type table. SQLite keeps whatever a column is declared as and stores any value
// in any column; the declared type is the author's intent, so it decides the PostgreSQL type, and values
// that do not fit it become rejected rows (lib/engine/copy/values.ts). Documented in the README.

/** The kinds of values the copy checks (named in lib/domain, where the mapping rules read them too). */
export type ValueKind = ColumnKind

export type PgType = { sql: string; kind: ValueKind; warning?: string }

type Rule = { match: RegExp; type: (m: RegExpExecArray) => PgType }

const plain = (sql: string, kind: ValueKind = sql as ValueKind): PgType => ({ sql, kind })

// First match wins; matched against the declared type, lower-cased, spaces collapsed.
const RULES: Rule[] = [
  { match: /^(tinyint|smallint|int2|short|short integer)(\(\d+\))?( unsigned)?$/, type: () => plain('smallint') },
  { match: /^(mediumint|int4)(\(\d+\))?( unsigned)?$/, type: () => plain('integer') },
  // SQLite integers are 64-bit whatever the declaration says, as pgloader also assumes.
  { match: /^(int|integer|bigint|int8|unsigned big int)(\(\d+\))?( unsigned)?$/, type: () => plain('bigint') },
  { match: /^(decimal|numeric)\((\d+),(\d+)\)$/, type: (m) => ({ sql: `numeric(${m[2]}, ${m[3]})`, kind: 'numeric' }) },
  { match: /^(decimal|numeric)\((\d+)\)$/, type: (m) => ({ sql: `numeric(${m[2]})`, kind: 'numeric' }) },
  { match: /^(decimal|numeric|money)$/, type: () => plain('numeric') },
  {
    match: /^(real|double|double precision|float|float4|float8)(\(\d+\))?$/,
    type: () => plain('double precision', 'double'),
  },
  { match: /^(boolean|bool)$/, type: () => plain('boolean') },
  {
    match: /^(n?varchar|varying character|character varying|native character|nchar|char|character)\((\d+)\)$/,
    type: (m) => ({ sql: `varchar(${m[2]})`, kind: 'varchar' }),
  },
  {
    match:
      /^(text|clob|n?varchar|character varying|string|tinytext|mediumtext|longtext|char|character|blob sub_type text|blob sub_type 1)$/,
    type: () => plain('text'),
  },
  { match: /^(blob|bytea|binary|varbinary|longblob|mediumblob|tinyblob)(\(\d+\))?$/, type: () => plain('bytea') },
  { match: /^date$/, type: () => plain('date') },
  { match: /^time$/, type: () => plain('time') },
  // Without a zone SQLite's datetimes are UTC by convention (CURRENT_TIMESTAMP, Prisma): timestamptz keeps the instant.
  {
    match: /^(datetime|timestamp|timestamptz|timestamp with time zone|timestamp without time zone)(\(\d+\))?$/,
    type: () => plain('timestamptz'),
  },
  { match: /^(json|jsonb)$/, type: () => plain('jsonb') },
  { match: /^(uuid|guid)$/, type: () => plain('uuid') },
]

/** The PostgreSQL type for a declared SQLite type; unknown or missing declarations become text, with a warning. */
export function pgTypeOf(declared: string | null | undefined): PgType {
  const type = (declared ?? '')
    .replace(/["`[\]]/g, '') // a quoted type name (x "double precision") is still that type
    // Words SQLite keeps in the declared type when a schema was written for another database: not part of the type.
    .replace(/\s+(auto_increment|autoincrement|nocase|collate\s+\w+)\b/gi, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*\(\s*/g, '(')
    .replace(/\s*,\s*/g, ',')
    .replace(/\s*\)/g, ')')
  if (!type) return { sql: 'text', kind: 'text', warning: 'no declared type; copied as text' }
  for (const rule of RULES) {
    const m = rule.match.exec(type)
    if (m) return rule.type(m)
  }
  return { sql: 'text', kind: 'text', warning: `unknown type “${declared}”; copied as text` }
}

/**
 * The value kind of an existing PostgreSQL column, from its format_type() text (copying into tables the
 * application's own migrations made): what SQLite values must fit. Unknown types (enums, domains…) are
 * passed as text for PostgreSQL to check.
 */
export function catalogTypeOf(formatType: string): PgType {
  const t = formatType.toLowerCase()
  if (t === 'integer') return plain('integer', 'integer')
  if (t === 'real') return plain(t, 'double')
  if (/^timestamp(\(\d\))? without time zone$/.test(t)) return plain(formatType, 'timestamp')
  if (/^timestamp(\(\d\))? with time zone$/.test(t)) return plain(formatType, 'timestamptz')
  if (/^time(\(\d\))? (with|without) time zone$/.test(t)) return plain(formatType, 'time')
  if (/^character\((\d+)\)$/.test(t)) return { sql: formatType, kind: 'varchar' }
  if (t === 'json') return plain(t, 'jsonb')
  const mapped = pgTypeOf(t)
  return mapped.warning
    ? plain(formatType, 'text')
    : { ...mapped, sql: mapped.kind === 'varchar' || mapped.kind === 'numeric' ? mapped.sql : formatType }
}

/**
 * The PostgreSQL type a mapping sets (lib/domain/mapping.ts has already checked the text): PostgreSQL's own
 * meaning of each name – timestamp is without a time zone, real is single precision.
 */
export function mappedPgType(type: string): PgType {
  if (type === 'timestamp' || type === 'timestamp without time zone') return plain('timestamp')
  if (type === 'timestamptz' || type === 'timestamp with time zone') return plain('timestamptz')
  if (type === 'real' || type === 'float4') return plain('real', 'double')
  if (type === 'json') return plain('json', 'jsonb')
  if (type === 'integer' || type === 'int4' || type === 'int') return plain('integer')
  return pgTypeOf(type)
}

/** Every rule, for the README's type table and its test. */
export const TYPE_TABLE: readonly { sqlite: string; postgres: string }[] = [
  {
    sqlite: 'INTEGER PRIMARY KEY [AUTOINCREMENT] (the rowid)',
    postgres: 'bigint GENERATED BY DEFAULT AS IDENTITY, restarted after max(id)',
  },
  { sqlite: 'TINYINT, SMALLINT, INT2, SHORT INTEGER', postgres: 'smallint' },
  { sqlite: 'MEDIUMINT, INT4', postgres: 'integer' },
  { sqlite: 'INT, INTEGER, BIGINT, INT8', postgres: 'bigint' },
  { sqlite: 'DECIMAL(p,s), NUMERIC(p,s), DECIMAL, NUMERIC, MONEY', postgres: 'numeric(p,s), numeric' },
  { sqlite: 'REAL, DOUBLE, FLOAT', postgres: 'double precision' },
  { sqlite: 'BOOLEAN, BOOL', postgres: 'boolean (0/1, true/false, t/f)' },
  { sqlite: 'VARCHAR(n), NVARCHAR(n), CHAR(n)', postgres: 'varchar(n)' },
  { sqlite: 'TEXT, CLOB, VARCHAR, STRING, BLOB SUB_TYPE TEXT', postgres: 'text' },
  { sqlite: 'BLOB, BINARY, VARBINARY', postgres: 'bytea' },
  { sqlite: 'DATE', postgres: 'date' },
  { sqlite: 'TIME', postgres: 'time' },
  {
    sqlite: 'DATETIME, TIMESTAMP',
    postgres: 'timestamptz (ISO text, epoch seconds or epoch milliseconds, detected per column)',
  },
  { sqlite: 'JSON', postgres: 'jsonb' },
  { sqlite: 'UUID, GUID', postgres: 'uuid' },
  { sqlite: 'no type, anything else', postgres: 'text, with a warning' },
]
