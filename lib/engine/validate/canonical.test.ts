import { describe, expect, it } from 'vitest'
import { pgTypeOf } from '@/lib/engine/copy/sqlite-types'
import { CANONICAL_NULL, canonicalFromPostgres, canonicalFromSqlite } from './canonical'

// Equal data that SQLite and PostgreSQL print differently has one canonical form; different data does not.
const same = (declared: string, sqlite: unknown, postgres: string | null, dates?: 'iso' | 'epoch-s' | 'epoch-ms') => {
  const type = pgTypeOf(declared)
  expect(canonicalFromSqlite(sqlite, type, dates)).toBe(canonicalFromPostgres(postgres, type))
}

describe('canonical values', () => {
  it('agrees on equal integers, floats, booleans, decimals and big integers', () => {
    same('INTEGER', 9007199254740993n, '9007199254740993')
    same('REAL', 0.1 + 0.2, '0.30000000000000004')
    same('REAL', 1e21, '1e+21')
    same('REAL', 12, '12')
    same('BOOLEAN', 1n, 't')
    same('BOOLEAN', 'false', 'f')
    same('DECIMAL(8,2)', '12.3', '12.30')
    same('DECIMAL(8,2)', 0, '0.00')
    same('NUMERIC', '-0.50', '-0.5')
  })

  it('agrees on equal instants however they are stored: ISO text, epoch seconds, Prisma epoch milliseconds', () => {
    same('DATETIME', '2024-02-29 13:45:00', '2024-02-29 13:45:00+00', 'iso')
    same('DATETIME', '2024-03-01T08:00:00.250+02:00', '2024-03-01 06:00:00.25+00', 'iso')
    same('DATETIME', 1709214300n, '2024-02-29 13:45:00+00', 'epoch-s')
    same('DATETIME', 1709214300123n, '2024-02-29 13:45:00.123+00', 'epoch-ms')
    same('DATE', '2024-02-29', '2024-02-29', 'iso')
  })

  it('agrees on bytes, JSON and UUIDs printed differently', () => {
    same('BLOB', Buffer.from([0, 255]), '\\x00ff')
    same('JSON', '{"b": 1, "a": [1, 2]}', '{"a": [1, 2], "b": 1}')
    same('UUID', '0F8FAD5B-D9CB-469F-A165-70867728950E', '0f8fad5b-d9cb-469f-a165-70867728950e')
  })

  it('keeps NULL apart from the empty string, and different values apart', () => {
    expect(canonicalFromPostgres(null, pgTypeOf('TEXT'))).toBe(CANONICAL_NULL)
    expect(canonicalFromSqlite('', pgTypeOf('TEXT'))).toBe('')
    expect(canonicalFromSqlite(0.1, pgTypeOf('REAL'))).not.toBe(canonicalFromPostgres('0.10000000000000002', pgTypeOf('REAL')))
    expect(canonicalFromSqlite('2024-02-29 13:45:00', pgTypeOf('DATETIME'), 'iso')).not.toBe(canonicalFromPostgres('2024-02-29 13:45:01+00', pgTypeOf('DATETIME')))
    // A value the copy rejects has no canonical form: it is reported, never silently equal.
    expect(canonicalFromSqlite('twelve', pgTypeOf('INTEGER'))).toBeNull()
  })
})
