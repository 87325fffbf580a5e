import { z } from 'zod'
import { diffSnapshots, type Difference, type SchemaSnapshot } from './rehearsal'

// Drift: how a target's schema differs from the one Lockstep last recorded of it (after its last successful
// run), object by object, each with the DDL that would reproduce the change – as Atlas's `migrate drift` and
// Flyway's `check -drift` report it. A table added or dropped outside Lockstep is one object: its columns,
// constraints, indexes and triggers come and go with it and are folded into its DDL.

export const DRIFT_KINDS = ['added', 'removed', 'changed'] as const

export const ZDriftObject = z.object({
  /** The snapshot's key: `column public.orders.status`, `index public.orders_status_idx`… */
  object: z.string(),
  kind: z.enum(DRIFT_KINDS),
  /** Its definition as recorded, and as it is now (null where it does not exist). */
  recorded: z.string().nullable(),
  live: z.string().nullable(),
  /** DDL that makes the recorded schema into the live one for this object. */
  ddl: z.string(),
})
export type DriftObject = z.infer<typeof ZDriftObject>

export const ZDriftReport = z.object({
  objects: z.array(ZDriftObject),
  recordedObjects: z.number(),
  liveObjects: z.number(),
})
export type DriftReport = z.infer<typeof ZDriftReport>

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`

/** `kind schema.name[.sub]` → its parts (names with dots of their own are taken at the first dots). */
function parseKey(key: string): { kind: string; schema: string; name: string; sub: string | null } {
  const match = /^(materialized view|foreign table|[a-z]+) (.*)$/.exec(key)
  const kind = match?.[1] ?? key
  const rest = match?.[2] ?? ''
  if (kind === 'schema' || kind === 'extension') return { kind, schema: rest, name: rest, sub: null }
  const dot = rest.indexOf('.')
  const schema = dot < 0 ? 'public' : rest.slice(0, dot)
  const after = dot < 0 ? rest : rest.slice(dot + 1)
  if (kind === 'column' || kind === 'constraint' || kind === 'trigger') {
    const second = after.lastIndexOf('.')
    return { kind, schema, name: after.slice(0, second), sub: after.slice(second + 1) }
  }
  return { kind, schema, name: after, sub: null }
}

const qualified = (k: { schema: string; name: string }) => `${ident(k.schema)}.${ident(k.name)}`

/** A column's definition as the snapshot prints it: type [COLLATE c] [NOT NULL] [DEFAULT e | GENERATED …]. */
function columnParts(definition: string) {
  const m =
    /^(?<type>.+?)(?: COLLATE (?<collate>\S+))?(?<notNull> NOT NULL)?(?: DEFAULT (?<dflt>.+?))?(?: (?<generated>GENERATED (?:ALWAYS AS \(.*\) (?:STORED|VIRTUAL)|ALWAYS AS IDENTITY|BY DEFAULT AS IDENTITY)))?$/s.exec(
      definition,
    )
  return {
    type: m?.groups?.type ?? definition,
    collate: m?.groups?.collate ?? null,
    notNull: !!m?.groups?.notNull,
    default: m?.groups?.dflt ?? null,
    generated: m?.groups?.generated ?? null,
  }
}

function changedColumn(table: string, column: string, recorded: string, live: string): string {
  const before = columnParts(recorded)
  const after = columnParts(live)
  const alter = `ALTER TABLE ${table} ALTER COLUMN ${ident(column)}`
  const lines: string[] = []
  if (before.type !== after.type || before.collate !== after.collate)
    lines.push(`${alter} TYPE ${after.type}${after.collate ? ` COLLATE ${after.collate}` : ''};`)
  if (before.default !== after.default)
    lines.push(after.default === null ? `${alter} DROP DEFAULT;` : `${alter} SET DEFAULT ${after.default};`)
  if (before.notNull !== after.notNull) lines.push(`${alter} ${after.notNull ? 'SET' : 'DROP'} NOT NULL;`)
  if (before.generated !== after.generated) {
    const identity = (g: string | null) => (g && /IDENTITY$/.test(g) ? g.replace(/^GENERATED /, '') : null)
    if (identity(before.generated) && !after.generated) lines.push(`${alter} DROP IDENTITY;`)
    else if (identity(after.generated)) lines.push(`${alter} ADD GENERATED ${identity(after.generated)};`)
    else
      lines.push(`-- the column's generation changed: ${after.generated ?? 'none'} (was ${before.generated ?? 'none'})`)
  }
  return lines.join('\n')
}

/** A table or view defined otherwise than recorded: altered in place where PostgreSQL can. */
function changedRelation(kind: string, table: string, recorded: string, live: string): string {
  if (kind === 'view') return `CREATE OR REPLACE VIEW ${table} ${live.replace(/^view /, '')};`
  if (kind === 'materialized view')
    return `DROP MATERIALIZED VIEW ${table};\nCREATE MATERIALIZED VIEW ${table} ${live.replace(/^materialized view /, '')};`
  const lines: string[] = []
  const unlogged = (d: string) => d.startsWith('unlogged ')
  const secured = (d: string) => d.endsWith(', row level security')
  if (unlogged(recorded) !== unlogged(live))
    lines.push(`ALTER TABLE ${table} SET ${unlogged(live) ? 'UNLOGGED' : 'LOGGED'};`)
  if (secured(recorded) !== secured(live))
    lines.push(`ALTER TABLE ${table} ${secured(live) ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY;`)
  const rest = (d: string) => d.replace(/^unlogged /, '').replace(/, row level security$/, '')
  if (rest(recorded) !== rest(live)) lines.push(`-- ${table} is now ${live} (it was ${recorded})`)
  return lines.join('\n')
}

function relationDdl(kind: string, k: { schema: string; name: string }, definition: string, columns: string[]) {
  const name = qualified(k)
  if (kind === 'view') return `CREATE VIEW ${name} ${definition.replace(/^view /, '')};`
  if (kind === 'materialized view')
    return `CREATE MATERIALIZED VIEW ${name} ${definition.replace(/^materialized view /, '')};`
  if (kind === 'foreign table') return `-- foreign table ${name} created outside Lockstep`
  const unlogged = definition.startsWith('unlogged ') ? 'UNLOGGED ' : ''
  const partition = /^partitioned table (PARTITION BY .*?)(?:, row level security)?$/.exec(definition)?.[1]
  return `CREATE ${unlogged}TABLE ${name} (\n${columns.map((c) => `  ${c}`).join(',\n')}\n)${partition ? ` ${partition}` : ''};`
}

/** The DDL that makes `recorded` into `live` for one object (its folded children given for a new table). */
function ddlOf(d: Difference, live: SchemaSnapshot): string {
  const k = parseKey(d.key)
  const added = d.kind === 'extra'
  const removed = d.kind === 'missing'
  const now = d.after ?? ''
  const table = qualified(k)
  switch (k.kind) {
    case 'schema':
      return added ? `CREATE SCHEMA ${ident(k.name)};` : `DROP SCHEMA ${ident(k.name)};`
    case 'extension': {
      const m = /^version (\S+) in schema (.+)$/.exec(now)
      if (removed) return `DROP EXTENSION ${ident(k.name)};`
      return added
        ? `CREATE EXTENSION ${ident(k.name)}${m ? ` VERSION '${m[1]}' SCHEMA ${ident(m[2] ?? '')}` : ''};`
        : `ALTER EXTENSION ${ident(k.name)} UPDATE${m ? ` TO '${m[1]}'` : ''};`
    }
    case 'table':
    case 'view':
    case 'materialized view':
    case 'foreign table': {
      const kind = k.kind
      const dropKind = kind === 'table' ? 'TABLE' : kind.toUpperCase()
      if (removed) return `DROP ${dropKind} ${table};`
      const prefix = `column ${k.schema}.${k.name}.`
      const columns = Object.keys(live)
        .filter((key) => key.startsWith(prefix) && !key.slice(prefix.length).includes('.'))
        .map((key) => `${ident(key.slice(prefix.length))} ${live[key]}`)
      // A new table's constraints and triggers come with it (they are not listed apart).
      const own = (child: string) =>
        Object.keys(live)
          .filter((key) => key.startsWith(`${child} ${k.schema}.${k.name}.`))
          .map((key) => ddlOf({ key, kind: 'extra', before: null, after: live[key] ?? '' }, live))
      const create = [relationDdl(kind, k, now, columns), ...own('constraint'), ...own('trigger')].join('\n')
      if (added) return create
      return changedRelation(kind, table, d.before ?? '', now)
    }
    case 'column': {
      const column = ident(k.sub ?? '')
      if (added) return `ALTER TABLE ${table} ADD COLUMN ${column} ${now};`
      if (removed) return `ALTER TABLE ${table} DROP COLUMN ${column};`
      return changedColumn(table, k.sub ?? '', d.before ?? '', now)
    }
    case 'constraint': {
      const drop = `ALTER TABLE ${table} DROP CONSTRAINT ${ident(k.sub ?? '')};`
      const add = `ALTER TABLE ${table} ADD CONSTRAINT ${ident(k.sub ?? '')} ${now};`
      return added ? add : removed ? drop : `${drop}\n${add}`
    }
    case 'index': {
      const definition = now.replace(/ \(INVALID\)$/, '')
      const drop = `DROP INDEX ${table};`
      return added ? `${definition};` : removed ? drop : `${drop}\n${definition};`
    }
    case 'trigger': {
      const drop = `DROP TRIGGER ${ident(k.sub ?? '')} ON ${table};`
      const create = `${now.replace(/ \((DISABLED|ENABLE REPLICA|ENABLE ALWAYS)\)$/, '')};`
      return added ? create : removed ? drop : `${drop}\n${create}`
    }
    case 'sequence': {
      const drop = `DROP SEQUENCE ${table};`
      const create = `CREATE SEQUENCE ${table} AS ${now.replace(/ OWNED BY (\S+)\.(\S+)\.(\S+)$/, ' OWNED BY "$1"."$2"."$3"')};`
      return added ? create : removed ? drop : `${drop}\n${create}`
    }
    case 'function':
    case 'procedure':
    case 'aggregate': {
      const drop = `DROP ${k.kind.toUpperCase()} ${ident(k.schema)}.${k.name.replace(/^([^(]+)/, (n) => ident(n))};`
      if (removed) return drop
      return k.kind === 'aggregate' ? `-- aggregate ${k.schema}.${k.name}: ${now}` : `${now};`
    }
    case 'type':
    case 'domain': {
      const drop = `DROP ${k.kind.toUpperCase()} ${table};`
      const create =
        k.kind === 'domain'
          ? `CREATE DOMAIN ${table} AS ${now};`
          : now.startsWith('ENUM ')
            ? `CREATE TYPE ${table} AS ${now};`
            : now.startsWith('RANGE ')
              ? `CREATE TYPE ${table} AS ${now};`
              : `CREATE TYPE ${table} AS ${now.replace(/^COMPOSITE /, '')};`
      return added ? create : removed ? drop : `${drop}\n${create}`
    }
    default:
      return `-- ${d.key}: ${d.before ?? 'absent'} → ${d.after ?? 'absent'}`
  }
}

const DDL_ORDER = [
  'schema',
  'extension',
  'type',
  'domain',
  'sequence',
  'function',
  'procedure',
  'aggregate',
  'table',
  'foreign table',
  'column',
  'constraint',
  'index',
  'view',
  'materialized view',
  'trigger',
]
const TABLE_KINDS = new Set(['table', 'view', 'materialized view', 'foreign table'])
const CHILD_KINDS = new Set(['column', 'constraint', 'trigger'])

/** How the live schema differs from the recorded one, a new or dropped table (or view) being one object. */
export function driftOf(recorded: SchemaSnapshot, live: SchemaSnapshot): DriftReport {
  const differences = diffSnapshots(recorded, live).differences
  // Tables that came or went whole: their children are part of them.
  const whole = new Set(
    differences
      .filter((d) => d.kind !== 'changed' && TABLE_KINDS.has(parseKey(d.key).kind))
      .map((d) => {
        const k = parseKey(d.key)
        return `${d.kind}\u0000${k.schema}.${k.name}`
      }),
  )
  const indexTable = (d: Difference) => /\bON (?:ONLY )?(\S+?)\.(\S+?) USING /.exec(d.after ?? d.before ?? '')
  const folded = (d: Difference) => {
    const k = parseKey(d.key)
    if (d.kind === 'changed') return false
    if (CHILD_KINDS.has(k.kind)) return whole.has(`${d.kind}\u0000${k.schema}.${k.name}`)
    if (k.kind === 'index' && d.kind === 'missing') {
      const on = indexTable(d)
      return !!on && whole.has(`missing\u0000${on[1]?.replace(/"/g, '')}.${on[2]?.replace(/"/g, '')}`)
    }
    return false
  }
  // In the order the DDL can run: a table before its indexes, a type before the tables that use it.
  const rank = (d: Difference) => {
    const at = DDL_ORDER.indexOf(parseKey(d.key).kind)
    return at < 0 ? DDL_ORDER.length : at
  }
  return {
    objects: differences
      .filter((d) => !folded(d))
      .sort((a, b) => rank(a) - rank(b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((d) => ({
        object: d.key,
        kind: d.kind === 'extra' ? 'added' : d.kind === 'missing' ? 'removed' : 'changed',
        recorded: d.before,
        live: d.after,
        ddl: ddlOf(d, live),
      })),
    recordedObjects: Object.keys(recorded).length,
    liveObjects: Object.keys(live).length,
  }
}

/** One line a person reads: “column public.orders.status added”. */
export const describeDrift = (o: DriftObject) => `${o.object} ${o.kind}`
