import { describe, expect, it } from 'vitest'
import { pgTypeOf } from './sqlite-types'
import { dateEncodingFrom, encoderFor, escapeCopyText, NULL_FIELD, type DateEncoding } from './values'

const encode = (declared: string, value: unknown, dates?: DateEncoding) =>
  encoderFor(pgTypeOf(declared), { dates })(value)

describe('COPY text encoding of SQLite values', () => {
  it('keeps NULL and the empty string apart', () => {
    expect(encode('TEXT', null)).toBe(NULL_FIELD)
    expect(encode('TEXT', '')).toBe('')
  })

  it('escapes tabs, newlines, carriage returns and backslashes; quotes and emoji pass as they are', () => {
    expect(encode('TEXT', 'a\tb\nc\rd\\e "q" \'s\' 🚀')).toBe('a\\tb\\nc\\rd\\\\e "q" \'s\' 🚀')
    expect(escapeCopyText('\\N')).toBe('\\\\N') // the text "\N" is not NULL
  })

  it('rejects text with a NUL byte, and text longer than varchar(n) (counted in characters)', () => {
    expect(encode('TEXT', 'a\0b')).toEqual({ reject: expect.stringContaining('NUL byte') })
    expect(encode('VARCHAR(3)', '🚀🚀🚀')).toBe('🚀🚀🚀')
    expect(encode('VARCHAR(3)', 'abcd')).toEqual({ reject: '4 characters do not fit varchar(3)' })
  })

  it('keeps integers beyond 2^53 exact, and rejects what does not fit the column', () => {
    expect(encode('INTEGER', 9007199254740993n)).toBe('9007199254740993')
    expect(encode('BIGINT', -(2n ** 63n))).toBe('-9223372036854775808')
    expect(encode('SMALLINT', 40000n)).toEqual({ reject: '40000 does not fit smallint' })
    expect(encode('INTEGER', 'twelve')).toEqual({ reject: expect.stringContaining('is not a whole number') })
    expect(encode('INTEGER', 1.5)).toEqual({ reject: expect.stringContaining('is not a whole number') })
  })

  it('writes REAL edge values so PostgreSQL reads back the same double', () => {
    expect(encode('REAL', Number.NaN)).toBe('NaN')
    expect(encode('REAL', Number.POSITIVE_INFINITY)).toBe('Infinity')
    expect(encode('REAL', Number.NEGATIVE_INFINITY)).toBe('-Infinity')
    expect(encode('REAL', -0)).toBe('-0')
    expect(encode('REAL', 5e-324)).toBe('5e-324')
    expect(encode('REAL', Number.MAX_VALUE)).toBe('1.7976931348623157e+308')
    expect(encode('REAL', 0.1)).toBe('0.1')
  })

  it('checks numeric(p,s) precision', () => {
    expect(encode('DECIMAL(5,2)', 123.45)).toBe('123.45')
    expect(encode('DECIMAL(5,2)', 1234.5)).toEqual({ reject: '1234.5 does not fit numeric(5, 2)' })
    expect(encode('NUMERIC', '1e400')).toBe('1e400')
  })

  it('reads booleans stored as 0/1 or as words', () => {
    expect([1n, 0n, 'true', 'FALSE', 't', 'f'].map((v) => encode('BOOLEAN', v))).toEqual(['t', 'f', 't', 'f', 't', 'f'])
    expect(encode('BOOLEAN', 2n)).toEqual({ reject: expect.stringContaining('is not a boolean') })
  })

  it('reads datetimes as ISO text, epoch seconds or epoch milliseconds, in UTC', () => {
    expect(encode('DATETIME', '2024-02-29 13:45:00', 'iso')).toBe('2024-02-29 13:45:00+00')
    expect(encode('DATETIME', '2024-02-29T13:45:00.123456+02:00', 'iso')).toBe('2024-02-29 13:45:00.123456+02:00')
    expect(encode('DATETIME', 1709214300n, 'epoch-s')).toBe('2024-02-29T13:45:00.000Z')
    expect(encode('DATETIME', 1709214300123n, 'epoch-ms')).toBe('2024-02-29T13:45:00.123Z')
    expect(encode('DATE', '2024-02-29', 'iso')).toBe('2024-02-29')
    expect(encode('DATETIME', '2024-02-30 10:00', 'iso')).toEqual({
      reject: expect.stringContaining('is not a datetime'),
    })
    // The common "YYYY-MM-DD HH:MM:SS" form is checked as strictly as the rest: real days, real clock times.
    for (const bad of [
      '2023-02-29 00:00:00',
      '2024-13-01 00:00:00',
      '2024-04-31 12:00:00',
      '2024-01-01 24:00:00',
      '2024-01-01 12:60:00',
      '2024-01-01 12:00:60',
      '2024-0a-01 12:00:00',
    ]) {
      expect(encode('DATETIME', bad, 'iso')).toEqual({ reject: expect.stringContaining('is not a datetime') })
    }
    expect(encode('DATETIME', '2000-02-29 23:59:59', 'iso')).toBe('2000-02-29 23:59:59+00')
    expect(encode('DATETIME', 'yesterday', 'iso')).toEqual({ reject: expect.stringContaining('ISO text') })
  })

  it('keeps the microseconds of epoch numbers with fractions, as PostgreSQL keeps them', () => {
    expect(encode('DATETIME', 1709214300.123456, 'epoch-s')).toBe('2024-02-29T13:45:00.123456Z')
    expect(encode('DATETIME', 1709214300123.25, 'epoch-ms')).toBe('2024-02-29T13:45:00.123250Z')
    expect(encode('DATETIME', -0.5, 'epoch-s')).toBe('1969-12-31T23:59:59.500Z')
    expect(encode('DATETIME', 1.000001, 'epoch-s')).toBe('1970-01-01T00:00:01.000001Z')
  })

  it('rejects NULL where the target column is NOT NULL, with the reason given (a NULL in a SQLite primary key)', () => {
    const encoder = encoderFor(pgTypeOf('TEXT'), { notNull: 'NULL in the primary key column code' })
    expect(encoder(null)).toEqual({ reject: 'NULL in the primary key column code' })
    expect(encoder('x')).toBe('x')
  })

  it('detects how a column stores datetimes from its values, not per row', () => {
    expect(dateEncodingFrom({ text: 2, seconds: 0, millis: 0 })).toBe('iso')
    expect(dateEncodingFrom({ text: 0, seconds: 2, millis: 0 })).toBe('epoch-s')
    expect(dateEncodingFrom({ text: 0, seconds: 1, millis: 2 })).toBe('epoch-ms') // Prisma's DateTime
    expect(dateEncodingFrom({ text: 2, seconds: 1, millis: 1 })).toBe('iso') // the majority decides
  })

  it('writes blobs as bytea hex, and rejects a blob in a text column', () => {
    expect(encode('BLOB', Buffer.from([0, 1, 255]))).toBe('\\\\x0001ff')
    expect(encode('TEXT', Buffer.from([1]))).toEqual({ reject: 'a 1-byte blob in a text column' })
  })

  it('checks JSON and UUIDs', () => {
    expect(encode('JSON', '{"a":[1,2]}')).toBe('{"a":[1,2]}')
    expect(encode('JSON', '{oops')).toEqual({ reject: expect.stringContaining('is not valid JSON') })
    expect(encode('UUID', '0190c7e0-0000-7000-8000-000000000000')).toBe('0190c7e0-0000-7000-8000-000000000000')
    expect(encode('UUID', 'nope')).toEqual({ reject: expect.stringContaining('is not a UUID') })
  })
})
