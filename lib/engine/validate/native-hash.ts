import { commonSeconds, daysFromCivil, instantMicros, PG_EPOCH_DAYS } from '@/lib/engine/copy/binary-values'
import type { PgType } from '@/lib/engine/copy/sqlite-types'
import { encoderFor, isRejected, type DateEncoding } from '@/lib/engine/copy/values'
import {
  hashBytesExtended,
  hashFloat8Extended,
  hashInt8Extended,
  hashTextExtended,
  hashUint32Extended,
} from './pg-hash'

// A SQLite row's hash_record_extended(ROW(…), 0) as PostgreSQL computes it over the row the copy made of it:
// each value taken as the target column's type (through the copy's own checks), hashed with that type's
// extended hash function, and combined as PostgreSQL combines a record's columns. The target then hashes
// its rows natively – no value turned into text on either side – for the column types below; a table with
// any other type is compared through canonical text instead (canonical.ts).

/** A value's 64-bit hash as [high, low] halves (high signed, low unsigned); NULL hashes to 0, as in a record. */
export type NativeHasher = (value: unknown) => [number, number]

const NULL_HASH: [number, number] = [0, 0]
const SAFE = 2n ** 53n
const utf8 = (text: string) => Buffer.from(text, 'utf8')

/** The hasher of a SQLite column read as a target column of `type`; null when the type is not hashed natively. */
export function sqliteNativeHasher(type: PgType, dates?: DateEncoding): NativeHasher | null {
  const encode = encoderFor(type, { dates })
  // What the copy stores, from its COPY text field; a value it rejects hashes as its text marked unreadable,
  // which matches nothing the target can hold.
  const via =
    (stored: (field: string, value: unknown) => [number, number]): NativeHasher =>
    (value) => {
      if (value === null || value === undefined) return NULL_HASH
      const field = encode(value)
      if (isRejected(field))
        return hashTextExtended(`\u001d${Buffer.isBuffer(value) ? value.toString('hex') : String(value)}`)
      return stored(field, value)
    }
  switch (type.kind) {
    case 'bigint': {
      const rest = via((field) => hashInt8Extended(BigInt(field)))
      return (v) => (typeof v === 'bigint' ? hashInt8Extended(v < SAFE && v > -SAFE ? Number(v) : v) : rest(v))
    }
    case 'smallint':
    case 'integer': {
      const limit = type.kind === 'smallint' ? 32768n : 2147483648n
      const rest = via((field) => hashUint32Extended(Number(field) | 0))
      return (v) => (typeof v === 'bigint' && v < limit && v >= -limit ? hashUint32Extended(Number(v) | 0) : rest(v))
    }
    case 'double': {
      // real is hashed as the double it widens to (hashfloat4extended), after rounding to single precision.
      const single = /^(real|float4)$/i.test(type.sql)
      const rest = via((field) => hashFloat8Extended(single ? Math.fround(Number(field)) : Number(field)))
      return (v) => (typeof v === 'number' && !single ? hashFloat8Extended(v) : rest(v))
    }
    case 'boolean': {
      const rest = via((field) => hashUint32Extended(field === 't' ? 1 : 0))
      return (v) => (v === 1n ? hashUint32Extended(1) : v === 0n ? hashUint32Extended(0) : rest(v))
    }
    case 'varchar':
    case 'text': {
      const max = type.kind === 'varchar' ? Number(/\((\d+)\)/.exec(type.sql)?.[1] ?? Infinity) : Infinity
      const rest = via((_, value) => hashTextExtended(typeof value === 'string' ? value : String(value)))
      return (v) => (typeof v === 'string' && v.length <= max && !v.includes('\u0000') ? hashTextExtended(v) : rest(v))
    }
    case 'bytea':
      return via((_, value) => {
        const bytes = Buffer.isBuffer(value) ? value : utf8(String(value))
        return hashBytesExtended(bytes, bytes.length)
      })
    case 'timestamptz':
    case 'timestamp': {
      const rest = via((field) => hashInt8Extended(instantMicros(field)))
      if ((dates ?? 'iso') !== 'iso') return rest
      return (v) => {
        const seconds = typeof v === 'string' ? commonSeconds(v) : null
        if (seconds === null) return rest(v)
        // Microseconds are exact as a number for some 285 years either side of 2000; beyond, in BigInt.
        return hashInt8Extended(seconds < 9e9 && seconds > -9e9 ? seconds * 1_000_000 : BigInt(seconds) * 1_000_000n)
      }
    }
    case 'date':
      return via((field) =>
        hashUint32Extended(
          (daysFromCivil(+field.slice(0, -6), +field.slice(-5, -3), +field.slice(-2)) - PG_EPOCH_DAYS) | 0,
        ),
      )
    case 'uuid':
      return via((field) => hashBytesExtended(Buffer.from(field.replace(/-/g, ''), 'hex'), 16))
    default:
      return null
  }
}

/** Whether a target column of this type is hashed natively from SQLite values. */
export const nativelyHashed = (type: PgType) => sqliteNativeHasher(type) !== null

/** A row's hash_record_extended from its columns' hashes (combineRecordHash's step, inline: no pair per column). */
export function recordHash(hashers: readonly NativeHasher[], row: readonly unknown[]): [number, number] {
  let high = 0
  let low = 0
  for (let i = 0; i < hashers.length; i++) {
    const element = (hashers[i] as NativeHasher)(row[i])
    const times = low * 31
    const sum = (times >>> 0) + (element[1] >>> 0)
    high = (Math.imul(high, 31) + Math.floor(times / 0x1_0000_0000) + element[0] + (sum >= 0x1_0000_0000 ? 1 : 0)) | 0
    low = sum >>> 0
  }
  return [high, low]
}
