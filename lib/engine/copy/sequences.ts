import type pg from 'pg'
import { escapeLiteral } from 'pg'
import { quoteIdent } from '@/lib/targets/quote'
import type { PostLoadStatement } from './model'

// After a load, every sequence that a copied column takes its values from – an identity, a serial, or a plain
// `nextval('…')` default whose sequence no column owns (shared between tables, or made by hand) – must hand
// out a value past the largest one now in any column that uses it; otherwise the application's next insert
// collides with a copied row. A sequence is only ever moved forward.

type Use = { sequence: string; table: string; column: string }

/** The integer columns (of any table on the target) whose default or identity draws from each sequence a column of `tables` in `schema` uses. */
async function sequenceUses(client: pg.Client, schema: string, tables: readonly string[]): Promise<Use[]> {
  const { rows } = await client.query<Use & { copied: boolean }>(
    `WITH uses AS (
       SELECT d.refobjid AS seq, ad.adrelid AS rel, ad.adnum AS num
         FROM pg_attrdef ad JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid AND d.refclassid = 'pg_class'::regclass
       UNION
       SELECT d.objid, d.refobjid, d.refobjsubid FROM pg_depend d
        WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
     )
     SELECT quote_ident(sn.nspname) || '.' || quote_ident(s.relname) AS sequence, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS "table", a.attname AS column,
            n.nspname = $1 AND c.relname = ANY ($2) AS copied
       FROM uses u JOIN pg_class s ON s.oid = u.seq AND s.relkind = 'S' JOIN pg_namespace sn ON sn.oid = s.relnamespace
       JOIN pg_sequence ps ON ps.seqrelid = s.oid AND ps.seqincrement > 0
       JOIN pg_class c ON c.oid = u.rel AND c.relkind IN ('r', 'p') JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = u.rel AND a.attnum = u.num AND NOT a.attisdropped JOIN pg_type t ON t.oid = a.atttypid
      WHERE coalesce(nullif(t.typbasetype, 0), t.oid) IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)
      ORDER BY 1, 2, 3`,
    [schema, tables],
  )
  const wanted = new Set(rows.filter((r) => r.copied).map((r) => r.sequence))
  return rows.filter((r) => wanted.has(r.sequence))
}

/** One statement per sequence: moved to the largest value of its columns when that is at or past its next value. */
export async function sequenceRestarts(
  client: pg.Client,
  schema: string,
  tables: readonly string[],
): Promise<PostLoadStatement[]> {
  const uses = await sequenceUses(client, schema, tables)
  const sequences = [...new Set(uses.map((u) => u.sequence))]
  return sequences.map((sequence) => {
    const maxima = uses
      .filter((u) => u.sequence === sequence)
      .map((u) => `(SELECT max(${quoteIdent(u.column)})::bigint FROM ${u.table})`)
    const top = maxima.length === 1 ? maxima[0] : `greatest(${maxima.join(', ')})`
    return {
      kind: 'sequence',
      table: null,
      name: `sequence ${sequence}`,
      sql: `SELECT setval(${escapeLiteral(sequence)}, m, true) FROM (SELECT ${top} AS m) x, ${sequence} s WHERE m IS NOT NULL AND (m > s.last_value OR (m = s.last_value AND NOT s.is_called))`,
    }
  })
}
