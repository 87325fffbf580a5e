import type pg from 'pg'
import { escapeLiteral } from 'pg'
import { quoteIdent } from '@/lib/targets/quote'

// The user-defined types a PostgreSQL source's columns use, recreated on the target before its tables:
// enums, domains (with their defaults and checks), composite and range types, each after the types it is
// built from, and the extensions that own a type (pgvector's vector, citext…). Other types – a base type
// written in C outside any extension – cannot be recreated and are copied as text, with a warning.

type TypeRow = {
  oid: number
  name: string
  schema: string
  typtype: string
  elem: number
  base: number
  baseText: string | null
  relid: number
  notNull: boolean
  default: string | null
  collation: string | null
  extension: string | null
  builtin: boolean
}

export type UserTypes = {
  /** CREATE EXTENSION / TYPE / DOMAIN statements, dependencies first. */
  statements: string[]
  /** A column type by its type oid, as the target's CREATE TABLE writes it; null: copied as text. */
  columnType(oid: number, formatted: string): string | null
  /** How each type was taken, for the summary: “enum mpaa_rating recreated”. */
  notes: string[]
}

// Kept as the source has it, but created only when the target has no type of that name yet (an earlier copy of
// other tables from the same source made it): an existing type is used as it is.
const createUnlessExists = (sql: string) =>
  `DO $lockstep$ BEGIN ${sql}; EXCEPTION WHEN duplicate_object THEN NULL; END $lockstep$`

/** Reads the types behind `oids` (array element, domain base and composite attribute types too). */
export async function readUserTypes(client: pg.Client, oids: readonly number[]): Promise<UserTypes> {
  const rows = new Map<number, TypeRow>()
  let pending = [...new Set(oids)]
  while (pending.length) {
    const { rows: found } = await client.query<TypeRow>(
      `SELECT t.oid, t.typname AS name, n.nspname AS schema, t.typtype, t.typelem AS elem, t.typbasetype AS base,
              CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS "baseText", t.typrelid AS relid,
              t.typnotnull AS "notNull", t.typdefault AS default, CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation THEN (SELECT quote_ident(collname) FROM pg_collation WHERE oid = t.typcollation) END AS collation,
              (SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e') AS extension,
              n.nspname = 'pg_catalog' AS builtin
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
        WHERE t.oid = ANY ($1)`,
      [pending],
    )
    const next: number[] = []
    for (const row of found) {
      rows.set(row.oid, row)
      if (row.builtin) continue
      if (row.elem && row.typtype === 'b') next.push(row.elem)
      if (row.typtype === 'd') next.push(row.base)
    }
    const composites = found.filter((r) => r.typtype === 'c' && !r.builtin).map((r) => r.relid)
    if (composites.length) {
      const { rows: attributes } = await client.query<{ type: number }>(
        `SELECT atttypid AS type FROM pg_attribute WHERE attrelid = ANY ($1) AND attnum > 0 AND NOT attisdropped`,
        [composites],
      )
      next.push(...attributes.map((a) => a.type))
    }
    const ranges = found.filter((r) => r.typtype === 'r' && !r.builtin).map((r) => r.oid)
    if (ranges.length)
      next.push(
        ...(
          await client.query<{ sub: number }>(`SELECT rngsubtype AS sub FROM pg_range WHERE rngtypid = ANY ($1)`, [
            ranges,
          ])
        ).rows.map((r) => r.sub),
      )
    pending = [...new Set(next)].filter((oid) => !rows.has(oid))
  }

  const statements: string[] = []
  const notes: string[] = []
  const extensions = new Set<string>()
  const done = new Map<number, string | null>()
  const isArray = (t: TypeRow) => t.typtype === 'b' && t.elem !== 0 && t.name.startsWith('_')

  // The type's name on the target (null: it cannot be recreated), creating it first when needed.
  async function take(oid: number, formatted?: string): Promise<string | null> {
    const t = rows.get(oid)
    if (!t) return null
    // Built-in and extension types keep their modifiers as format_type printed them (varchar(10), vector(20)).
    if (t.builtin) return formatted ?? null
    if (t.extension) {
      if (!extensions.has(t.extension)) {
        extensions.add(t.extension)
        statements.push(`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(t.extension)}`)
        notes.push(`the extension ${t.extension} is created on the target when missing (for its type ${t.name})`)
      }
      return formatted ?? quoteIdent(t.name)
    }
    if (done.has(oid)) return done.get(oid) ?? null
    done.set(oid, null) // a type that (indirectly) contains itself is not recreated
    let name: string | null = null
    if (isArray(t)) {
      const element = await take(t.elem)
      name = element === null ? null : `${element}[]`
    } else if (t.typtype === 'e') {
      const labels = await client.query<{ label: string }>(
        `SELECT enumlabel AS label FROM pg_enum WHERE enumtypid = $1 ORDER BY enumsortorder`,
        [oid],
      )
      name = quoteIdent(t.name)
      statements.push(
        createUnlessExists(
          `CREATE TYPE ${name} AS ENUM (${labels.rows.map((l) => escapeLiteral(l.label)).join(', ')})`,
        ),
      )
      notes.push(`the enum ${t.name} is recreated`)
    } else if (t.typtype === 'd') {
      const base = (await take(t.base, t.baseText ?? undefined)) ?? (rows.get(t.base)?.builtin ? t.baseText : null)
      if (base !== null) {
        const checks = await client.query<{ name: string; def: string }>(
          `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contypid = $1 ORDER BY conname`,
          [oid],
        )
        name = quoteIdent(t.name)
        const parts = [`CREATE DOMAIN ${name} AS ${base}`]
        if (t.collation) parts.push(`COLLATE ${t.collation}`)
        if (t.default !== null) parts.push(`DEFAULT ${t.default}`)
        if (t.notNull) parts.push('NOT NULL')
        for (const c of checks.rows) parts.push(`CONSTRAINT ${quoteIdent(c.name)} ${c.def}`)
        statements.push(createUnlessExists(parts.join(' ')))
        notes.push(`the domain ${t.name} is recreated with its checks`)
      }
    } else if (t.typtype === 'c') {
      const attributes = await client.query<{ name: string; type: number; formatted: string }>(
        `SELECT attname AS name, atttypid AS type, format_type(atttypid, atttypmod) AS formatted FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
        [t.relid],
      )
      const fields: string[] = []
      for (const a of attributes.rows) {
        const type = await take(a.type, a.formatted)
        if (type === null) break
        fields.push(`${quoteIdent(a.name)} ${type}`)
      }
      if (fields.length === attributes.rows.length) {
        name = quoteIdent(t.name)
        statements.push(createUnlessExists(`CREATE TYPE ${name} AS (${fields.join(', ')})`))
        notes.push(`the composite type ${t.name} is recreated`)
      }
    } else if (t.typtype === 'r') {
      const range = await client.query<{ sub: number; formatted: string }>(
        `SELECT rngsubtype AS sub, format_type(rngsubtype, NULL) AS formatted FROM pg_range WHERE rngtypid = $1`,
        [oid],
      )
      const first = range.rows[0]
      const subtype = first ? await take(first.sub, first.formatted) : null
      if (subtype !== null) {
        name = quoteIdent(t.name)
        statements.push(createUnlessExists(`CREATE TYPE ${name} AS RANGE (SUBTYPE = ${subtype})`))
        notes.push(`the range type ${t.name} is recreated`)
      }
    }
    done.set(oid, name)
    return name
  }

  for (const oid of new Set(oids)) await take(oid)
  return {
    statements,
    notes,
    columnType(oid, formatted) {
      const t = rows.get(oid)
      if (!t || t.builtin || t.extension) return formatted
      return done.get(oid) ?? null
    },
  }
}

/**
 * The extensions whose objects the tables `oids` use beyond types – a default's function (uuid_generate_v4()),
 * an index's operator class (gin_trgm_ops), a check's function – which the target needs before them.
 */
export async function usedExtensions(
  client: pg.Client,
  oids: readonly number[],
): Promise<{ name: string; schema: string }[]> {
  const { rows } = await client.query<{ name: string; schema: string }>(
    `SELECT DISTINCT e.extname AS name, n.nspname AS schema
       FROM pg_depend d JOIN pg_depend x ON x.classid = d.refclassid AND x.objid = d.refobjid AND x.refclassid = 'pg_extension'::regclass AND x.deptype = 'e'
       JOIN pg_extension e ON e.oid = x.refobjid JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE (d.classid = 'pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_attrdef WHERE adrelid = ANY ($1)))
         OR (d.classid = 'pg_class'::regclass AND d.objid IN (SELECT indexrelid FROM pg_index WHERE indrelid = ANY ($1)))
         OR (d.classid = 'pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_constraint WHERE conrelid = ANY ($1)))
      ORDER BY 1`,
    [oids],
  )
  return rows
}
