import type { PgType } from './sqlite-types'

// SQLite values → fields of PostgreSQL's COPY text format, checked against the column's PostgreSQL type
// first: one value PostgreSQL would refuse would fail a whole COPY batch, so each misfit becomes a
// rejected row with its reason instead. Values come from better-sqlite3 with safe integers on: integers
// as BigInt (no precision lost beyond 2^53), reals as numbers, text as strings, blobs as Buffers.

export type Rejected = { reject: string }
export type Encoded = string | Rejected
export type Encoder = (value: unknown) => Encoded

/** How a datetime column stores its instants; detected once per column, never guessed per row. */
export type DateEncoding = 'iso' | 'epoch-s' | 'epoch-ms'

export const NULL_FIELD = '\\N'

export const reject = (reason: string): Rejected => ({ reject: reason })
export const isRejected = (e: Encoded): e is Rejected => typeof e !== 'string'

/** Escapes text for COPY's text format (backslash, tab, newline, carriage return). */
const NEEDS_ESCAPE = /[\\\t\n\r]/

export function escapeCopyText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text
  return text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
}

export const describe = (value: unknown) =>
  Buffer.isBuffer(value)
    ? `a ${value.length}-byte blob`
    : typeof value === 'string'
      ? `“${value.length > 40 ? `${value.slice(0, 40)}…` : value}”`
      : String(value)

export const INTEGER_RANGE = { smallint: 2n ** 15n, integer: 2n ** 31n, bigint: 2n ** 63n } as const

export function integerOf(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value)
  if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return BigInt(value.trim())
  return null
}

function integerEncoder(kind: keyof typeof INTEGER_RANGE): Encoder {
  const limit = INTEGER_RANGE[kind]
  return (value) => {
    const n = integerOf(value)
    if (n === null) return reject(`${describe(value)} is not a whole number (column type ${kind})`)
    if (n >= limit || n < -limit) return reject(`${n} does not fit ${kind}`)
    return n.toString()
  }
}

export const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/

function numericEncoder(type: PgType): Encoder {
  const [, p, s] = /numeric\((\d+)(?:, (\d+))?\)/.exec(type.sql) ?? []
  const maxIntegerDigits = p ? Number(p) - Number(s ?? 0) : Infinity
  return (value) => {
    const text =
      typeof value === 'bigint'
        ? value.toString()
        : typeof value === 'number' && Number.isFinite(value)
          ? String(value)
          : typeof value === 'string' && NUMERIC.test(value)
            ? value.trim()
            : null
    if (text === null) return reject(`${describe(value)} is not a number (column type ${type.sql})`)
    // Digits before the point, after scaling by any exponent: more than the precision allows is an overflow.
    const [mantissa = '', exponent = '0'] = text.replace(/^[-+]/, '').split(/[eE]/)
    const integerDigits = (mantissa.split('.')[0] ?? '').replace(/^0+/, '').length + Number(exponent)
    if (integerDigits > maxIntegerDigits) return reject(`${text} does not fit ${type.sql}`)
    return text
  }
}

const doubleEncoder: Encoder = (value) => {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'bigint'
        ? Number(value)
        : typeof value === 'string' && NUMERIC.test(value)
          ? Number(value)
          : null
  if (n === null) return reject(`${describe(value)} is not a number (column type double precision)`)
  if (Number.isNaN(n)) return 'NaN'
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity'
  if (Object.is(n, -0)) return '-0'
  // Shortest text that reads back as the same double (JavaScript's number formatting guarantees it).
  return typeof value === 'bigint' ? value.toString() : String(n)
}

export const TRUE = new Set(['1', 'true', 't', 'yes', 'y', 'on'])
export const FALSE = new Set(['0', 'false', 'f', 'no', 'n', 'off'])

const booleanEncoder: Encoder = (value) => {
  const text =
    typeof value === 'bigint' || typeof value === 'number'
      ? String(value)
      : typeof value === 'string'
        ? value.trim().toLowerCase()
        : null
  if (text !== null && TRUE.has(text)) return 't'
  if (text !== null && FALSE.has(text)) return 'f'
  return reject(`${describe(value)} is not a boolean (0/1, true/false)`)
}

function textEncoder(max: number | null, type: string): Encoder {
  return (value) => {
    if (Buffer.isBuffer(value)) return reject(`${describe(value)} in a ${type} column`)
    const text = typeof value === 'string' ? value : String(value)
    if (text.includes('\0')) return reject('text with a NUL byte (PostgreSQL text cannot hold one)')
    // Characters, not UTF-16 units: only a string longer than the limit in units can be too long.
    if (max !== null && text.length > max && [...text].length > max)
      return reject(`${[...text].length} characters do not fit ${type}`)
    return escapeCopyText(text)
  }
}

const byteaEncoder: Encoder = (value) => {
  if (Buffer.isBuffer(value)) return `\\\\x${value.toString('hex')}`
  if (typeof value === 'string') return `\\\\x${Buffer.from(value, 'utf8').toString('hex')}`
  return reject(`${describe(value)} is not binary data`)
}

// ISO 8601 as SQLite writes it: "2024-01-31", "2024-01-31 12:00:00", "2024-01-31T12:00:00.123Z", "…+02:00".
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ]((\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?))?\s*(Z|[-+]\d{2}(?::?\d{2})?)?$/i
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const daysIn = (y: number, m: number) =>
  m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : (DAYS[m - 1] ?? 0)

const digit = (text: string, i: number) => text.charCodeAt(i) - 48
const digits = (text: string, from: number, to: number) => {
  let n = 0
  for (let i = from; i < to; i++) {
    const d = digit(text, i)
    if (d < 0 || d > 9) return -1
    n = n * 10 + d
  }
  return n
}

/** The fields of "YYYY-MM-DD HH:MM:SS": undefined when the text is not of that shape, null when it is no real instant. */
export type CommonIsoFields = { y: number; mo: number; d: number; h: number; mi: number; s: number }

/** "YYYY-MM-DD HH:MM:SS" – how SQLite and most applications write datetimes – read without a regular expression. */
export function commonIsoFields(text: string): CommonIsoFields | null | undefined {
  if (
    text.length !== 19 ||
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 32 ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58
  )
    return undefined
  const y = digits(text, 0, 4)
  const mo = digits(text, 5, 7)
  const d = digits(text, 8, 10)
  const h = digits(text, 11, 13)
  const mi = digits(text, 14, 16)
  const s = digits(text, 17, 19)
  if (
    y < 0 ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    d > daysIn(y, mo) ||
    h < 0 ||
    h > 23 ||
    mi < 0 ||
    mi > 59 ||
    s < 0 ||
    s > 59
  )
    return null
  return { y, mo, d, h, mi, s }
}

function commonIso(text: string): string | null | undefined {
  const fields = commonIsoFields(text)
  return fields ? `${text}+00` : fields
}

export function isoInstant(text: string): string | null {
  const common = commonIso(text)
  if (common !== undefined) return common
  const m = ISO.exec(
    text.length && (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32) ? text.trim() : text,
  )
  if (!m) return null
  // A real calendar day and clock time (Date.parse would roll 2024-02-30 over to March).
  const y = +(m[1] as string)
  const mo = +(m[2] as string)
  const d = +(m[3] as string)
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return null
  if (m[4] !== undefined && (+(m[5] as string) > 23 || +(m[6] as string) > 59 || (m[7] !== undefined && +m[7] > 59)))
    return null
  const zone = m[8]
  return `${m[1]}-${m[2]}-${m[3]} ${m[4] ?? '00:00:00'}${zone && zone.toUpperCase() !== 'Z' ? zone : '+00'}` // no zone: UTC, SQLite's convention
}

export function epochInstant(value: unknown, unit: 'epoch-s' | 'epoch-ms'): string | null {
  const n =
    typeof value === 'bigint'
      ? Number(value)
      : typeof value === 'number'
        ? value
        : typeof value === 'string' && NUMERIC.test(value)
          ? Number(value)
          : NaN
  if (!Number.isFinite(n)) return null
  // Whole microseconds (what PostgreSQL keeps): a Date alone would cut fractions of a millisecond.
  const micros =
    typeof value === 'bigint'
      ? value * (unit === 'epoch-s' ? 1_000_000n : 1_000n)
      : BigInt(Math.round(n * (unit === 'epoch-s' ? 1e6 : 1e3)))
  const millis = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n)
  const date = new Date(Number(millis))
  if (Number.isNaN(+date) || date.getUTCFullYear() > 9999 || date.getUTCFullYear() < -4712) return null
  const sub = Number(micros - millis * 1000n)
  const iso = date.toISOString()
  return sub ? `${iso.slice(0, -1)}${String(sub).padStart(3, '0')}Z` : iso
}

function timestampEncoder(encoding: DateEncoding): Encoder {
  return (value) => {
    const instant =
      encoding === 'iso' ? (typeof value === 'string' ? isoInstant(value) : null) : epochInstant(value, encoding)
    return (
      instant ??
      reject(
        `${describe(value)} is not a datetime (${encoding === 'iso' ? 'ISO text' : encoding === 'epoch-s' ? 'epoch seconds' : 'epoch milliseconds'}, as the column stores them)`,
      )
    )
  }
}

/** timestamp without time zone: the instant's UTC wall time (how Prisma and SQLite's CURRENT_TIMESTAMP mean it). */
function utcTimestampEncoder(encoding: DateEncoding): Encoder {
  const instant = timestampEncoder(encoding)
  return (value) => {
    const e = instant(value)
    if (isRejected(e)) return e
    const zoned = /^(.*?)(Z|[-+]\d{2}(?::?\d{2})?)$/i.exec(e)
    if (!zoned || /^(Z|\+00(:?00)?)$/i.test(zoned[2] ?? '')) return (zoned?.[1] ?? e).replace('T', ' ')
    const [, local = '', zone = ''] = zoned
    const offset = zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`
    const fraction = /\.(\d+)/.exec(local)?.[1] ?? ''
    const utc = new Date(`${local.replace(' ', 'T').replace(/\.\d+/, '')}${offset}`)
      .toISOString()
      .slice(0, 19)
      .replace('T', ' ')
    return fraction ? `${utc}.${fraction}` : utc
  }
}

function dateEncoder(encoding: DateEncoding): Encoder {
  const instant = timestampEncoder(encoding)
  return (value) => {
    const e = instant(value)
    return isRejected(e) ? reject(e.reject.replace('a datetime', 'a date')) : e.slice(0, 10)
  }
}

export const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$/
/** A clock time PostgreSQL accepts: hours to 23 (or 24:00:00 exactly), minutes and seconds to 59. */
const validTime = (text: string) => {
  const [h = 0, m = 0, s = 0] = text.split(':').map(Number)
  return m <= 59 && s < 60 && (h <= 23 || (h === 24 && m === 0 && s === 0))
}

const timeEncoder: Encoder = (value) =>
  typeof value === 'string' && TIME.test(value.trim()) && validTime(value.trim())
    ? value.trim()
    : reject(`${describe(value)} is not a time of day`)

const jsonEncoder: Encoder = (value) => {
  if (typeof value !== 'string') return reject(`${describe(value)} is not JSON text`)
  try {
    JSON.parse(value)
  } catch {
    return reject(`${describe(value)} is not valid JSON`)
  }
  if (value.includes('\\u0000')) return reject('JSON with a NUL character (PostgreSQL jsonb cannot hold one)')
  return escapeCopyText(value)
}

export const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i
const uuidEncoder: Encoder = (value) => {
  if (Buffer.isBuffer(value) && value.length === 16) return value.toString('hex')
  return typeof value === 'string' && UUID.test(value.trim())
    ? value.trim()
    : reject(`${describe(value)} is not a UUID`)
}

/**
 * The encoder of a column: NULL is \N – or, where the target refuses NULL, a reject with the reason
 * `notNull` – and everything else is checked against the column's type.
 */
export function encoderFor(type: PgType, options: { dates?: DateEncoding; notNull?: string } = {}): Encoder {
  const dates = options.dates ?? 'iso'
  const encode: Encoder = (() => {
    switch (type.kind) {
      case 'smallint':
      case 'integer':
      case 'bigint':
        return integerEncoder(type.kind)
      case 'numeric':
        return numericEncoder(type)
      case 'double':
        return doubleEncoder
      case 'boolean':
        return booleanEncoder
      case 'varchar':
        return textEncoder(Number(/\((\d+)\)/.exec(type.sql)?.[1] ?? Infinity), type.sql)
      case 'bytea':
        return byteaEncoder
      case 'date':
        return dateEncoder(dates)
      case 'time':
        return timeEncoder
      case 'timestamptz':
        return timestampEncoder(dates)
      case 'timestamp':
        return utcTimestampEncoder(dates)
      case 'jsonb':
        return jsonEncoder
      case 'uuid':
        return uuidEncoder
      default:
        return textEncoder(null, type.sql)
    }
  })()
  const empty: Encoded = options.notNull ? reject(options.notNull) : NULL_FIELD
  return (value) => (value === null || value === undefined ? empty : encode(value))
}

/**
 * How a datetime column stores its values, from counts over all of them (sqlite-source.ts counts them in
 * SQL): text → ISO; numbers → epoch milliseconds when they are that large (10^11 ms is 1973, 10^11 s is the
 * year 5138), else epoch seconds. The majority decides; values stored the other way are rejected.
 */
export function dateEncodingFrom(counts: { text: number; seconds: number; millis: number }): DateEncoding {
  if (counts.text >= counts.seconds + counts.millis) return 'iso'
  return counts.millis >= counts.seconds ? 'epoch-ms' : 'epoch-s'
}
