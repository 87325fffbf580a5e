import type { PgType } from './sqlite-types'
import { commonIsoFields, encoderFor, isRejected, type DateEncoding, type Rejected } from './values'

// SQLite values → fields of PostgreSQL's binary COPY format, for tables whose every column has a binary form
// here and the same type on the target (sqlite-source.ts decides). PostgreSQL then parses nothing: an integer
// is 8 bytes, an instant its microseconds. Every value is judged exactly as the text format judges it
// (values.ts): the common shapes are written directly, and anything else goes through the text encoder – its
// reject reasons, its normalisation – and is then turned into the binary field from that text.

/** The format_type() names of the target columns that take each kind's binary field as it is written here. */
const TARGET_TYPES: Partial<Record<PgType['kind'], (sql: string, target: string) => boolean>> = {
  smallint: (_, t) => t === 'smallint',
  integer: (_, t) => t === 'integer',
  bigint: (_, t) => t === 'bigint',
  double: (_, t) => t === 'double precision',
  boolean: (_, t) => t === 'boolean',
  // varchar and text share their binary form; the target checks its own length limit.
  varchar: (sql, t) => t === sql.replace(/^varchar/, 'character varying'),
  text: (_, t) => t === 'text',
  bytea: (_, t) => t === 'bytea',
  timestamptz: (_, t) => t === 'timestamp with time zone',
  timestamp: (_, t) => t === 'timestamp without time zone',
  date: (_, t) => t === 'date',
  time: (_, t) => t === 'time without time zone',
  jsonb: (_, t) => t === 'jsonb',
  uuid: (_, t) => t === 'uuid',
}

/** Whether these columns can travel as binary COPY into a target whose columns are of `targetTypes`. */
export function binaryFits(types: readonly PgType[], targetTypes: readonly string[]): boolean {
  return (
    types.length === targetTypes.length &&
    types.every((type, i) => TARGET_TYPES[type.kind]?.(type.sql, targetTypes[i] ?? '') === true)
  )
}

/** A growing piece of binary COPY data: rows are appended, and a row with a rejected value is taken back. */
export class BinaryPiece {
  buffer: Buffer
  length = 0

  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafeSlow(capacity)
  }

  ensure(bytes: number) {
    if (this.length + bytes <= this.buffer.length) return
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.length + bytes))
    this.buffer.copy(grown, 0, 0, this.length)
    this.buffer = grown
  }

  int16(n: number) {
    this.ensure(2)
    this.length = this.buffer.writeInt16BE(n, this.length)
  }

  int32(n: number) {
    this.ensure(4)
    this.length = this.buffer.writeInt32BE(n, this.length)
  }

  /** A field of `size` bytes written by `write` at the given offset. */
  field(size: number, write: (buffer: Buffer, at: number) => void) {
    this.ensure(4 + size)
    this.length = this.buffer.writeInt32BE(size, this.length)
    write(this.buffer, this.length)
    this.length += size
  }

  utf8(text: string, prefix?: number) {
    // At most 3 bytes per UTF-16 unit; written first, its length filled in after.
    const extra = prefix === undefined ? 0 : 1
    this.ensure(4 + extra + text.length * 3)
    const at = this.length + 4
    if (prefix !== undefined) this.buffer[at] = prefix
    const written = this.buffer.write(text, at + extra, 'utf8')
    this.buffer.writeInt32BE(written + extra, this.length)
    this.length = at + extra + written
  }

  bytes(value: Buffer) {
    this.ensure(4 + value.length)
    this.length = this.buffer.writeInt32BE(value.length, this.length)
    this.length += value.copy(this.buffer, this.length)
  }

  null() {
    this.int32(-1)
  }
}

/** The binary COPY header (signature, flags, no extension) and trailer. */
export const BINARY_HEADER = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
])
export const BINARY_TRAILER = Buffer.from([0xff, 0xff])

/** Writes a checked value into the piece, or says why it is rejected (nothing written then). */
export type BinaryEncoder = (value: unknown, piece: BinaryPiece) => Rejected | null

// PostgreSQL counts days and microseconds from 2000-01-01.
export const PG_EPOCH_DAYS = 10957
const MICROS_PER_DAY = 86_400_000_000n

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y
  const era = Math.floor(yy / 400)
  const yoe = yy - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

const INSTANT =
  /^([-+]?\d{4,6})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[-+]\d{2}(?::?\d{2})?)?$/i

/** Microseconds since 2000-01-01 UTC of the text a text encoder wrote for an instant (zone taken into account). */
export function instantMicros(text: string): bigint {
  const m = INSTANT.exec(text)
  if (!m) throw new Error(`Unexpected instant text “${text}”.`)
  const days = daysFromCivil(+(m[1] as string), +(m[2] as string), +(m[3] as string)) - PG_EPOCH_DAYS
  let seconds = +(m[4] as string) * 3600 + +(m[5] as string) * 60 + +(m[6] ?? '0')
  const zone = m[8]
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1
    const hm = zone.slice(1).replace(':', '')
    seconds -= sign * (+hm.slice(0, 2) * 3600 + +(hm.slice(2) || '0') * 60)
  }
  const fraction = m[7] ? Number(m[7].padEnd(6, '0')) : 0
  return BigInt(days) * MICROS_PER_DAY + BigInt(seconds) * 1_000_000n + BigInt(fraction)
}

/** "YYYY-MM-DD HH:MM:SS" as seconds since 2000-01-01, or null when it is not exactly that and valid. */
export function commonSeconds(text: string): number | null {
  const f = commonIsoFields(text)
  if (!f) return null
  return (daysFromCivil(f.y, f.mo, f.d) - PG_EPOCH_DAYS) * 86400 + f.h * 3600 + f.mi * 60 + f.s
}

const unescapeCopyText = (text: string) =>
  text.includes('\\')
    ? text.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c))
    : text

const TWO_32 = 0x1_0000_0000
const SAFE = 2 ** 53
const SAFE_BIG = 2n ** 53n

/** An int8 field: a safe integer as two 32-bit words (writing a BigInt costs several times more), else the BigInt. */
function int64(piece: BinaryPiece, n: bigint | number) {
  const small = typeof n === 'number' ? n : n < SAFE_BIG && n > -SAFE_BIG ? Number(n) : null
  if (small === null || small >= SAFE || small <= -SAFE) {
    const big = BigInt(n)
    piece.field(8, (b, at) => b.writeBigInt64BE(big, at))
    return
  }
  const high = Math.floor(small / TWO_32)
  piece.field(8, (b, at) => {
    b.writeInt32BE(high, at)
    b.writeUInt32BE(small - high * TWO_32, at + 4)
  })
}

/** Turns a text encoder's field (never \N: NULL is handled before) into the kind's binary field. */
function fromText(kind: PgType['kind'], text: string, piece: BinaryPiece) {
  switch (kind) {
    case 'smallint':
      return piece.field(2, (b, at) => b.writeInt16BE(Number(text), at))
    case 'integer':
      return piece.field(4, (b, at) => b.writeInt32BE(Number(text), at))
    case 'bigint':
      return int64(piece, BigInt(text))
    case 'double':
      return piece.field(8, (b, at) => b.writeDoubleBE(Number(text), at))
    case 'boolean':
      return piece.field(1, (b, at) => void (b[at] = text === 't' ? 1 : 0))
    case 'bytea':
      // The text field is \\x followed by hex digits (the backslash escaped for COPY text).
      return piece.bytes(Buffer.from(text.slice(3), 'hex'))
    case 'timestamptz':
    case 'timestamp':
      return int64(piece, instantMicros(text))
    case 'date': {
      const days = daysFromCivil(+text.slice(0, -6), +text.slice(-5, -3), +text.slice(-2)) - PG_EPOCH_DAYS
      return piece.field(4, (b, at) => b.writeInt32BE(days, at))
    }
    case 'time': {
      const [h = '0', m = '0', s = '0'] = text.split(':')
      const [whole = '0', fraction = ''] = s.split('.')
      const micros = ((+h * 60 + +m) * 60 + +whole) * 1_000_000 + Number(fraction.padEnd(6, '0'))
      return int64(piece, BigInt(micros))
    }
    case 'jsonb':
      return piece.utf8(unescapeCopyText(text), 1) // jsonb's binary form: version 1, then the text
    case 'uuid':
      return piece.bytes(Buffer.from(text.replace(/-/g, ''), 'hex'))
    default:
      return piece.utf8(unescapeCopyText(text))
  }
}

const INT_LIMIT = { smallint: 2n ** 15n, integer: 2n ** 31n } as const

/** The binary encoder of a column (binaryFits said its type has one): NULL, the common shapes, then the text path. */
export function binaryEncoderFor(
  type: PgType,
  options: { dates?: DateEncoding; notNull?: string } = {},
): BinaryEncoder {
  const text = encoderFor(type, options)
  const viaText: BinaryEncoder = (value, piece) => {
    const field = text(value)
    if (isRejected(field)) return field
    if (field === '\\N') piece.null()
    else fromText(type.kind, field, piece)
    return null
  }
  const kind = type.kind
  const max = kind === 'varchar' ? Number(/\((\d+)\)/.exec(type.sql)?.[1] ?? Infinity) : Infinity
  const iso = (options.dates ?? 'iso') === 'iso'
  switch (kind) {
    case 'bigint':
      return (value, piece) => (typeof value === 'bigint' ? (int64(piece, value), null) : viaText(value, piece))
    case 'integer':
    case 'smallint': {
      const limit = INT_LIMIT[kind]
      const size = kind === 'integer' ? 4 : 2
      return (value, piece) => {
        if (typeof value !== 'bigint' || value >= limit || value < -limit) return viaText(value, piece)
        const n = Number(value)
        piece.field(size, (b, at) => (size === 4 ? b.writeInt32BE(n, at) : b.writeInt16BE(n, at)))
        return null
      }
    }
    case 'double':
      return (value, piece) =>
        typeof value === 'number'
          ? (piece.field(8, (b, at) => b.writeDoubleBE(value, at)), null)
          : viaText(value, piece)
    case 'boolean':
      return (value, piece) =>
        value === 0n || value === 1n
          ? (piece.field(1, (b, at) => void (b[at] = value === 1n ? 1 : 0)), null)
          : viaText(value, piece)
    case 'varchar':
    case 'text':
      return (value, piece) => {
        // Plain strings within the limit (in UTF-16 units, so surely in characters) and without NUL go straight in.
        if (typeof value === 'string' && value.length <= max && !value.includes('\0')) {
          piece.utf8(value)
          return null
        }
        return viaText(value, piece)
      }
    case 'bytea':
      return (value, piece) => (Buffer.isBuffer(value) ? (piece.bytes(value), null) : viaText(value, piece))
    case 'timestamptz':
    case 'timestamp':
      return (value, piece) => {
        const seconds = iso && typeof value === 'string' ? commonSeconds(value) : null
        if (seconds === null) return viaText(value, piece)
        // Exact as a number for some 285 years either side of 2000; beyond, in BigInt.
        int64(piece, seconds < 9e9 && seconds > -9e9 ? seconds * 1_000_000 : BigInt(seconds) * 1_000_000n)
        return null
      }
    default:
      return viaText
  }
}
