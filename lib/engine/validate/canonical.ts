import type { PgType } from '@/lib/engine/copy/sqlite-types'
import { encoderFor, isRejected, type DateEncoding } from '@/lib/engine/copy/values'

// One canonical text per value, so that SQLite and PostgreSQL agree on equal data however each prints it:
// integers as exact decimals, floats as the shortest text that reads back as the same double, booleans as
// t/f, instants in UTC with microseconds, dates as YYYY-MM-DD, bytes as hex, decimals without trailing
// zeros, JSON with sorted keys, UUIDs lower-case. NULL has a marker of its own (never equal to ''). Values
// are hashed from these forms (validation compares checksums by key range, then rows).

export const CANONICAL_NULL = '\u0000N'

function decimal(text: string): string {
  let t = text.trim()
  const negative = t.startsWith('-')
  t = t.replace(/^[-+]/, '')
  if (/e/i.test(t)) t = Number(t).toString()
  let [whole = '0', fraction = ''] = t.split('.')
  whole = whole.replace(/^0+(?=\d)/, '') || '0'
  fraction = fraction.replace(/0+$/, '')
  const body = fraction ? `${whole}.${fraction}` : whole
  return negative && body !== '0' ? `-${body}` : body
}

function float(n: number): string {
  if (Number.isNaN(n)) return 'NaN'
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity'
  return Object.is(n, -0) ? '0' : String(n)
}

/** An instant as PostgreSQL or the copy encoder writes it ("2024-02-29 13:45:00.5+02") → "2024-02-29T11:45:00.500000Z". */
function instant(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\s*(Z|[-+]\d{2}(?::?\d{2})?)?$/i.exec(text.trim())
  if (!m) return text
  const [, date, time, fraction = '', zone = 'Z'] = m
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`
  const utc = new Date(`${date}T${time}${offset}`)
  if (Number.isNaN(+utc)) return text
  return `${utc.toISOString().slice(0, 19)}.${fraction.padEnd(6, '0')}Z`
}

/** A timestamp without time zone: its wall time, microseconds always written. */
function wallTime(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/.exec(text.trim())
  return m ? `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(6, '0')}` : text
}

function sortedJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedJson)
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedJson((value as Record<string, unknown>)[k])]))
  return value
}

/** The canonical text of a value as PostgreSQL prints it (text protocol, TimeZone UTC), for a column of `type`. */
export function canonicalFromPostgres(text: string | null, type: PgType): string {
  if (text === null) return CANONICAL_NULL
  switch (type.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint':
      return BigInt(text).toString()
    case 'numeric':
      return /^[-+]?(NaN|Infinity)$/i.test(text) ? text : decimal(text)
    case 'double':
      return float(Number(text))
    case 'boolean':
      return text === 't' || text === 'true' ? 't' : 'f'
    case 'timestamptz':
      return instant(text)
    case 'timestamp':
      return wallTime(text)
    case 'bytea':
      return text.startsWith('\\x') ? text.slice(2).toLowerCase() : text
    case 'jsonb':
      return JSON.stringify(sortedJson(JSON.parse(text)))
    case 'uuid':
      return text.toLowerCase()
    default:
      return text
  }
}

/**
 * The canonical text of a SQLite value for a column of `type` (datetimes read as the column stores them),
 * through the same checks the copy applies; a value the copy would reject has no canonical form (null).
 */
export function canonicalFromSqlite(value: unknown, type: PgType, dates?: DateEncoding): string | null {
  if (value === null || value === undefined) return CANONICAL_NULL
  const encoded = encoderFor(type, { dates })(value)
  if (isRejected(encoded)) return null
  switch (type.kind) {
    case 'double':
      return float(Number(value))
    case 'bytea':
      return Buffer.isBuffer(value) ? value.toString('hex') : Buffer.from(String(value), 'utf8').toString('hex')
    case 'text':
    case 'varchar':
      return Buffer.isBuffer(value) ? value.toString('utf8') : String(value)
    case 'jsonb':
      return JSON.stringify(sortedJson(JSON.parse(String(value))))
    case 'uuid':
      return Buffer.isBuffer(value) ? value.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5') : String(value).trim().toLowerCase().replace(/^([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})$/, '$1-$2-$3-$4-$5')
    default:
      // The copy's own encoding (what PostgreSQL received) read back the way PostgreSQL would print it.
      return canonicalFromPostgres(encoded, type)
  }
}
