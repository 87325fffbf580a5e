import type { MappingRule, TColumnMapping } from './mapping'
import type { ProfiledForeignKey } from './source-profile'

// The SQL the one-click rules write – the same text in SQLite and PostgreSQL – and how to tell it from what a
// person wrote: an entry still holding exactly a rule's text is that rule's; anything else was edited by hand.

/** An identifier in SQLite and PostgreSQL alike: double quotes, an inner one doubled. */
export const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`

export const epochTransform = (column: string, unit: 'seconds' | 'millis') =>
  unit === 'seconds' ? `to_timestamp(${quoteName(column)})` : `to_timestamp(${quoteName(column)} / 1000.0)`
export const trimTransform = (column: string) => `trim(${quoteName(column)})`

/** The filter that keeps a row whose foreign key is unset or has its parent (a multi-column key: every part set). */
export function orphanFilter(table: string, fk: ProfiledForeignKey): string {
  let alias = 'p'
  for (let i = 2; alias.toLowerCase() === table.toLowerCase(); i++) alias = `p${i}`
  const parent = `${fk.parentSchema !== undefined ? `${quoteName(fk.parentSchema)}.` : ''}${quoteName(fk.parent)}`
  const unset = fk.columns.map((c) => `${quoteName(c)} IS NULL OR `).join('')
  const match = fk.columns
    .map((c, i) => `${quoteName(alias)}.${quoteName(fk.references[i] ?? '')} = ${quoteName(table)}.${quoteName(c)}`)
    .join(' AND ')
  return `${unset}EXISTS (SELECT 1 FROM ${parent} AS ${quoteName(alias)} WHERE ${match})`
}

const Q = '"(?:[^"]|"")+"'
const ORPHAN_CLAUSE = `(?:${Q} IS NULL OR )+EXISTS \\(SELECT 1 FROM (?:${Q}\\.)?${Q} AS ${Q} WHERE ${Q}\\.${Q} = ${Q}\\.${Q}(?: AND ${Q}\\.${Q} = ${Q}\\.${Q})*\\)`
const ORPHAN_FILTER = new RegExp(`^(?:${ORPHAN_CLAUSE}|\\(${ORPHAN_CLAUSE}\\)(?: AND \\(${ORPHAN_CLAUSE}\\))+)$`)

/** Whether a filter is still exactly what the orphans rule writes (one or more of its clauses, nothing added). */
export const isOrphanFilter = (filter: string) => ORPHAN_FILTER.test(filter)

/** Whether a column's type and transform are still exactly what `rule` writes (not edited by hand since). */
export function isRuleOutput(rule: MappingRule, c: TColumnMapping): boolean {
  const transform = c.transform
  switch (rule) {
    case 'uuid':
      return c.type === 'uuid' && transform === undefined
    case 'boolean':
      return c.type === 'boolean' && transform === undefined
    case 'json':
      return c.type === 'jsonb' && transform === undefined
    case 'epoch':
      return (
        c.type === 'timestamptz' &&
        (transform === undefined ||
          transform === epochTransform(c.column, 'seconds') ||
          transform === epochTransform(c.column, 'millis'))
      )
    case 'trim':
      return c.type === undefined && transform === trimTransform(c.column)
    default:
      return false
  }
}
