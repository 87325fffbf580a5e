import { describe, expect, it } from 'vitest'
import { pgTypeOf } from '@/lib/engine/copy/sqlite-types'
import {
  jsonbText,
  NULL_MARK,
  pgFloatText,
  readableValue,
  sqliteCanonical,
  UNREADABLE,
  addHash,
  addLanes,
  sumDigestLanes,
  sumLanes,
  type HashSum,
} from './canonical'

// SQLite values in their canonical text – the text PostgreSQL computes in SQL for the same data
// (validate.integration.test.ts checks both sides agree on a real server).
const canonical = (declared: string, value: unknown, dates?: 'iso' | 'epoch-s' | 'epoch-ms') =>
  sqliteCanonical(pgTypeOf(declared), dates)(value)

describe('canonical values', () => {
  it('writes integers exactly and doubles the way PostgreSQL prints them', () => {
    expect(canonical('INTEGER', 9007199254740993n)).toBe('9007199254740993')
    expect(canonical('REAL', 0.1 + 0.2)).toBe('0.30000000000000004')
    expect(pgFloatText(1e21)).toBe('1e+21')
    expect(pgFloatText(1e-7)).toBe('1e-07')
    expect(pgFloatText(1e15)).toBe('1e+15')
    expect(pgFloatText(123456789012345)).toBe('123456789012345')
    expect(pgFloatText(0.0001)).toBe('0.0001')
    expect(pgFloatText(-2.5e-300)).toBe('-2.5e-300')
    expect(canonical('REAL', 12n)).toBe('12')
  })

  it('agrees on booleans, decimals and instants however SQLite stores them', () => {
    expect([canonical('BOOLEAN', 1n), canonical('BOOLEAN', 'true'), canonical('BOOLEAN', 'false')]).toEqual([
      't',
      't',
      'f',
    ])
    expect([
      canonical('DECIMAL(8,2)', '12.30'),
      canonical('NUMERIC', '-0.50'),
      canonical('NUMERIC', '1.5e3'),
      canonical('NUMERIC', 0n),
    ]).toEqual(['12.3', '-0.5', '1500', '0'])
    // As PostgreSQL prints a timestamptz in a UTC session.
    const instant = '2024-02-29 13:45:00+00'
    expect(canonical('DATETIME', '2024-02-29 13:45:00', 'iso')).toBe(instant)
    expect(canonical('DATETIME', '2024-02-29T15:45:00+02:00', 'iso')).toBe(instant)
    expect(canonical('DATETIME', 1709214300n, 'epoch-s')).toBe(instant)
    expect(canonical('DATETIME', 1709214300120n, 'epoch-ms')).toBe('2024-02-29 13:45:00.12+00')
    expect(canonical('DATE', '2024-02-29', 'iso')).toBe('2024-02-29')
  })

  it('writes bytes as hex, JSON as jsonb prints it, UUIDs in lower case', () => {
    expect(canonical('BLOB', Buffer.from([0, 255]))).toBe('00ff')
    expect(jsonbText(JSON.parse('{"bb": 1, "a": [1, {"z": null, "y": true}], "c": "x"}'))).toBe(
      '{"a": [1, {"y": true, "z": null}], "c": "x", "bb": 1}',
    )
    expect(canonical('UUID', '0F8FAD5B-D9CB-469F-A165-70867728950E')).toBe('0f8fad5b-d9cb-469f-a165-70867728950e')
  })

  it('keeps NULL apart from the empty string, and marks values the copy would reject', () => {
    expect(canonical('TEXT', null)).toBe(NULL_MARK)
    expect(canonical('TEXT', '')).toBe('')
    expect(canonical('INTEGER', 'twelve')).toBe(`${UNREADABLE}twelve`)
    expect(readableValue(`${UNREADABLE}twelve`)).toBe('twelve (does not fit the target column)')
    expect(readableValue(NULL_MARK)).toBeNull()
    expect(readableValue(canonical('TEXT', 'a\u0000b'))).toBe('a␀b (does not fit the target column)')
  })
})

describe('segment checksums', () => {
  const TWO_64 = 2n ** 64n
  const asBig = (high: number, low: number) => BigInt(high) * 2n ** 32n + BigInt(low)
  const lanesOf = (v: bigint) => {
    const u = ((v % TWO_64) + TWO_64) % TWO_64
    return { h1: Number(u >> 32n), h2: Number(u & 0xffffffffn) }
  }

  it('add row hashes exactly modulo 2^64, carries included, as PostgreSQL sums them', () => {
    let seed = 7
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0)
    const sum: HashSum = { high: 0, low: 0 }
    let exact = 0n
    // Enough rows of large low words to carry many times (the lazy carry starts at 2^52).
    for (let i = 0; i < 3_000_000; i++) {
      const high = next()
      const low = next() >>> 0
      addHash(sum, high, low)
      exact += asBig(high, low)
    }
    expect(sumLanes(sum)).toEqual(lanesOf(exact))
    expect(sumDigestLanes(exact.toString())).toEqual(lanesOf(exact))
    expect(sumDigestLanes((-exact).toString())).toEqual(lanesOf(-exact))
  })

  it('adds the checksums of two sets of rows as one', () => {
    const a = { h1: 0xffffffff, h2: 0xfffffff0 }
    const b = { h1: 1, h2: 0x20 }
    expect(addLanes(a, b)).toEqual(lanesOf(asBig(a.h1, a.h2) + asBig(b.h1, b.h2)))
  })
})
