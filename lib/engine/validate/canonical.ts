import { hash } from 'node:crypto'
import type { PgType } from '@/lib/engine/copy/sqlite-types'
import { encoderFor, isRejected, type DateEncoding } from '@/lib/engine/copy/values'
import { quoteIdent } from '@/lib/targets/quote'
import { hashTextExtended } from './pg-hash'

// One canonical text per value, so that SQLite and PostgreSQL agree on equal data however each prints it:
// the text PostgreSQL itself prints for the target's column type in a UTC session – integers exact,
// doubles with the shortest round-trip digits, instants as "2024-02-29 13:45:00.5+00", dates as
// YYYY-MM-DD – except booleans (t/f), bytes (hex), decimals (no trailing zeros) and JSON (as jsonb prints
// it). PostgreSQL computes it in SQL (canonicalSql) – so checksums are pushed down and the rows never
// leave the server – and SQLite values get it in JavaScript (sqliteCanonical). A row is its values joined
// by SEPARATOR, NULL written NULL_MARK (never equal to ''), hashed with PostgreSQL's hashtextextended
// (pg-hash.ts computes the same in JavaScript).

export const SEPARATOR = '\u001f'
export const NULL_MARK = '\u001e'
/** Starts the canonical text of a SQLite value the copy would reject: it matches nothing on the target. */
export const UNREADABLE = '\u001d'

const TWO_32 = 2 ** 32

/** MD5 of a key's canonical text: buckets of keys that are not integers, on both sides. */
export const md5Hex = (text: string) => hash('md5', text)

/** A row's digest: the two 32-bit halves of its 64-bit hash; a segment's checksum is their sum modulo 2^64. */
export const rowDigest = hashTextExtended

const TWO_52 = 2 ** 52

/** A segment's checksum being added up in JavaScript: the rows' high and low words summed apart, carried lazily. */
export type HashSum = { high: number; low: number }

/** Adds a row's hash ([high, low]: high signed, low unsigned) to a segment's sum. */
export function addHash(sum: HashSum, high: number, low: number) {
  sum.high += high
  sum.low += low
  // Exact while below 2^53: carry the low words' overflow into the high word, kept modulo 2^32.
  if (sum.low >= TWO_52) {
    const carry = Math.floor(sum.low / TWO_32)
    sum.low -= carry * TWO_32
    sum.high = (sum.high + carry) % TWO_32
  }
}

/** The sum modulo 2^64 as its two words (h1 high, h2 low), as PostgreSQL's checksum reads (sumDigest). */
export function sumLanes(sum: HashSum): { h1: number; h2: number } {
  const carry = Math.floor(sum.low / TWO_32)
  return { h1: lane(sum.high + carry), h2: sum.low - carry * TWO_32 }
}

/** Two checksums of disjoint rows added up. */
export function addLanes(a: { h1: number; h2: number }, b: { h1: number; h2: number }) {
  const low = a.h2 + b.h2
  const carry = low >= TWO_32 ? 1 : 0
  return { h1: lane(a.h1 + b.h1 + carry), h2: low - carry * TWO_32 }
}

/** A word's sum in [0, 2^32), however it was added up. */
export const lane = (sum: number) => ((sum % TWO_32) + TWO_32) % TWO_32

const TWO_64 = 2n ** 64n

/** The SQL of a segment's checksum from a 64-bit row hash `h`: the exact sum (numeric) modulo 2^64, as text. */
export const hashSumSql = (h: string) => `coalesce(sum(${h}) % ${TWO_64}, 0)::text`

/** PostgreSQL's checksum text as the two words JavaScript adds up (sumLanes). */
export function sumDigestLanes(text: string): { h1: number; h2: number } {
  const v = ((BigInt(text) % TWO_64) + TWO_64) % TWO_64
  return { h1: Number(v >> 32n), h2: Number(v & 0xffffffffn) }
}

/** A double as PostgreSQL's float8out prints it (extra_float_digits ≥ 1): shortest digits, exponent outside 1e-4 … 1e15. */
export function pgFloatText(n: number): string {
  // Between 1e-4 and 1e15 both print the shortest round-trip digits in fixed notation.
  const magnitude = n < 0 ? -n : n
  if (magnitude >= 1e-4 && magnitude < 1e15) return String(n)
  if (Number.isNaN(n)) return 'NaN'
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity'
  if (n === 0) return Object.is(n, -0) ? '-0' : '0'
  const [mantissa = '', exp = '0'] = n.toExponential().split('e')
  const exponent = Number(exp)
  const negative = mantissa.startsWith('-')
  const digits = mantissa.replace(/[-.]/g, '')
  let body: string
  if (exponent >= -4 && exponent < 15) {
    if (exponent < 0) body = `0.${'0'.repeat(-exponent - 1)}${digits}`
    else if (digits.length <= exponent + 1) body = digits.padEnd(exponent + 1, '0')
    else body = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`
  } else {
    const e = Math.abs(exponent)
    body = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${exponent < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`
  }
  return negative ? `-${body}` : body
}

/** A decimal without leading or trailing zeros, as PostgreSQL's trim_scale(numeric) prints it. */
function decimal(text: string): string {
  let t = text.trim()
  if (/^[-+]?(NaN|Infinity)$/i.test(t)) return t.replace(/^\+/, '')
  const negative = t.startsWith('-')
  t = t.replace(/^[-+]/, '')
  if (/e/i.test(t)) t = expandExponent(t)
  let [whole = '0', fraction = ''] = t.split('.')
  whole = whole.replace(/^0+(?=\d)/, '') || '0'
  fraction = fraction.replace(/0+$/, '')
  const body = fraction ? `${whole}.${fraction}` : whole
  return negative && body !== '0' ? `-${body}` : body
}

/** "1.5e3" → "1500", "25e-3" → "0.025", exactly (no binary floating point in between). */
function expandExponent(text: string): string {
  const [mantissa = '0', exp = '0'] = text.toLowerCase().split('e')
  const [whole = '', fraction = ''] = mantissa.split('.')
  const digits = `${whole}${fraction}`
  const point = whole.length + Number(exp)
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`
  if (point >= digits.length) return digits.padEnd(point, '0')
  return `${digits.slice(0, point)}.${digits.slice(point)}`
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n))

/** A fraction of a second as PostgreSQL prints it: up to microseconds, no trailing zeros. */
const fractionText = (digits: string) => {
  const f = digits.slice(0, 6).replace(/0+$/, '')
  return f ? `.${f}` : ''
}

/** An instant as the copy encoder writes it ("2024-02-29T13:45:00.500+02:00") → as PostgreSQL prints it in UTC ("2024-02-29 11:45:00.5+00"). */
function instant(text: string): string {
  // The common case – whole seconds in UTC, as SQLite writes them – is already PostgreSQL's text.
  if (text.length === 22 && text.charCodeAt(10) === 32 && text.endsWith('+00')) return text
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?\s*(Z|[-+]\d{2}(?::?\d{2})?)?$/i.exec(text.trim())
  if (!m) return text
  const [, date, time, fraction = '', zone = 'Z'] = m
  const upper = zone.toUpperCase()
  if (upper === 'Z' || /^\+00(:?00)?$/.test(upper)) return `${date} ${time}${fractionText(fraction)}+00`
  const offset = zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`
  const utc = new Date(`${date}T${time}${offset}`)
  if (Number.isNaN(+utc)) return text
  return `${utc.getUTCFullYear()}-${pad2(utc.getUTCMonth() + 1)}-${pad2(utc.getUTCDate())} ${pad2(utc.getUTCHours())}:${pad2(utc.getUTCMinutes())}:${pad2(utc.getUTCSeconds())}${fractionText(fraction)}+00`
}

/** A timestamp without time zone as the copy writes it ("2024-02-29 13:45:00.500") → as PostgreSQL prints it ("2024-02-29 13:45:00.5"). */
function wallTime(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/.exec(text.trim())
  return m ? `${m[1]} ${m[2]}${fractionText(m[3] ?? '')}` : text
}

/** A time of day as PostgreSQL prints it: seconds always, fraction without trailing zeros. */
function timeOfDay(text: string): string {
  const [clock = '', fraction = ''] = text.trim().split('.')
  const full = clock.length === 5 ? `${clock}:00` : clock
  const f = fraction.replace(/0+$/, '')
  return f ? `${full}.${f}` : full
}

const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8')

/** JSON as PostgreSQL prints jsonb: object keys by length then bytes (last duplicate wins), ", " and ": " between. */
export function jsonbText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(', ')}]`
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort(
      (a, b) => utf8Length(a) - utf8Length(b) || Buffer.compare(Buffer.from(a), Buffer.from(b)),
    )
    return `{${keys.map((k) => `${JSON.stringify(k)}: ${jsonbText((value as Record<string, unknown>)[k])}`).join(', ')}}`
  }
  return JSON.stringify(value)
}

/**
 * The SQL expression of a PostgreSQL column's canonical text (NULL stays NULL). The session runs with
 * TimeZone UTC, DateStyle ISO and extra_float_digits 1 (validationSession in postgres-side.ts).
 */
export function canonicalSql(type: PgType, column: string): string {
  const c = quoteIdent(column)
  switch (type.kind) {
    case 'numeric':
      return `trim_scale(${c})::text`
    case 'double':
      // real widened to double (as the copy's JavaScript numbers are).
      return `${c}::float8::text`
    case 'boolean':
      return `CASE WHEN ${c} THEN 't' WHEN NOT ${c} THEN 'f' END`
    case 'bytea':
      return `encode(${c}, 'hex')`
    case 'jsonb':
      return `${c}::jsonb::text`
    default:
      return `${c}::text`
  }
}

/** A row's canonical text in SQL, from its columns' canonical expressions. */
export const rowSql = (expressions: readonly string[]) =>
  expressions.length ? `concat_ws(E'\\x1f', ${expressions.map((e) => `coalesce(${e}, E'\\x1e')`).join(', ')})` : `''`

export type Canonicalizer = (value: unknown) => string

/**
 * The canonical text of a SQLite column's values for a target column of `type` (datetimes read as the
 * column stores them), through the same checks the copy applies: a value the copy would reject becomes
 * UNREADABLE + what it was, which matches nothing on the target.
 */
export function sqliteCanonical(type: PgType, dates?: DateEncoding): Canonicalizer {
  const encode = encoderFor(type, { dates })
  const checked =
    (canonical: (value: unknown, encoded: string) => string): Canonicalizer =>
    (value) => {
      if (value === null || value === undefined) return NULL_MARK
      const encoded = encode(value)
      if (isRejected(encoded))
        return `${UNREADABLE}${Buffer.isBuffer(value) ? `x'${value.toString('hex')}'` : String(value)}`
      return canonical(value, encoded)
    }
  const real = /^(real|float4)$/i.test(type.sql)
  const slow = (canonical: (value: unknown, encoded: string) => string) => checked(canonical)
  // Fast paths for the values SQLite usually holds in such a column (same checks as the copy's encoders); the rest goes through them.
  const fast =
    (quick: (value: unknown) => string | undefined, rest: Canonicalizer): Canonicalizer =>
    (value) =>
      quick(value) ?? rest(value)
  switch (type.kind) {
    case 'bigint':
      // SQLite integers are 64-bit: every one fits.
      return fast(
        (v) => (typeof v === 'bigint' ? v.toString() : undefined),
        slow((_, encoded) => encoded),
      )
    case 'smallint':
    case 'integer': {
      const limit = type.kind === 'smallint' ? 32768n : 2147483648n
      return fast(
        (v) => (typeof v === 'bigint' && v < limit && v >= -limit ? v.toString() : undefined),
        slow((_, encoded) => encoded),
      )
    }
    case 'numeric':
      return checked((_, encoded) => decimal(encoded))
    case 'double':
      if (!real)
        return fast(
          (v) => (typeof v === 'number' && !Number.isNaN(v) ? pgFloatText(v) : undefined),
          slow((value) => pgFloatText(Number(value))),
        )
      return checked((value) => {
        const n = typeof value === 'bigint' ? Number(value) : Number(value)
        return pgFloatText(real ? Math.fround(n) : n)
      })
    case 'boolean':
      return fast(
        (v) => (v === 1n ? 't' : v === 0n ? 'f' : undefined),
        slow((_, encoded) => encoded),
      )
    case 'bytea':
      return checked((value) =>
        Buffer.isBuffer(value) ? value.toString('hex') : Buffer.from(String(value), 'utf8').toString('hex'),
      )
    case 'timestamptz':
      return checked((_, encoded) => instant(encoded))
    case 'timestamp':
      return checked((_, encoded) => wallTime(encoded))
    case 'time':
      return checked((_, encoded) => timeOfDay(encoded))
    case 'jsonb':
      return checked((value) => jsonbText(JSON.parse(String(value))))
    case 'uuid':
      return checked((_, encoded) =>
        (encoded.length === 32 ? encoded.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5') : encoded)
          .toLowerCase()
          .replace(/^([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/, '$1-$2-$3-$4-$5'),
      )
    default:
      // date: the encoder's YYYY-MM-DD; text: the value itself (the encoder's output is COPY-escaped).
      if (type.kind === 'date') return checked((_, encoded) => encoded)
      if (type.kind === 'varchar' || type.kind === 'text') {
        // Text fits unless it holds a NUL byte or is longer than varchar(n) allows (in characters).
        const max = type.kind === 'varchar' ? Number(/\((\d+)\)/.exec(type.sql)?.[1] ?? Infinity) : Infinity
        const rest = slow((value) =>
          typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : String(value),
        )
        return fast((v) => (typeof v === 'string' && v.length <= max && !v.includes('\u0000') ? v : undefined), rest)
      }
      return checked((value) =>
        typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : String(value),
      )
  }
}

/** A canonical value as people read it in a mismatch: NULL spelled out, a value the copy rejects marked. */
export function readableValue(canonical: string): string | null {
  if (canonical === NULL_MARK) return null
  // NUL bytes (SQLite text may hold them) shown as a symbol: reports are stored as jsonb, which refuses them.
  const visible = canonical.includes('\u0000') ? canonical.replace(/\u0000/g, '␀') : canonical
  if (visible.startsWith(UNREADABLE)) return `${visible.slice(1)} (does not fit the target column)`
  return visible
}
