import { finished } from 'node:stream/promises'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { BINARY_HEADER, BINARY_TRAILER, binaryEncoderFor, binaryFits, BinaryPiece } from './binary-values'
import { pgTypeOf } from './sqlite-types'
import { encoderFor, isRejected, type DateEncoding } from './values'

// The binary COPY path must store exactly what the text path stores, and reject exactly what it rejects:
// every value below goes through both encoders into two tables of the same type, which PostgreSQL compares.

type Case = { declared: string; dates?: DateEncoding; values: unknown[] }

const CASES: Case[] = [
  {
    declared: 'BIGINT',
    values: [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 9007199254740993n, '42', ' 7 ', 1.5, 'x', 3],
  },
  { declared: 'INT4', values: [0n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 31n, '12', 'twelve'] },
  { declared: 'SMALLINT', values: [0n, 32767n, -32768n, 40000n, '-5'] },
  {
    declared: 'REAL',
    values: [0, -0, 1.5, 0.1 + 0.2, 1e300, -1e-300, 5e-324, 12n, 9007199254740993n, '3.25', ' 1e3 ', 'abc', NaN],
  },
  { declared: 'BOOLEAN', values: [0n, 1n, 2n, 'true', 'No', ' on ', 't', 'maybe'] },
  {
    declared: 'VARCHAR(5)',
    values: ['', 'abcde', 'abcdef', '🚀🚀🚀🚀🚀', '🚀🚀🚀🚀🚀🚀', 'a\tb', 'a\\b', 'x\0y', 12n, 2.5, Buffer.from('ab')],
  },
  {
    declared: 'TEXT',
    values: ['', 'plain', 'tab\there', 'new\nline', 'cr\rret', 'back\\slash', '\\N', 'é 😀', 'nul\0byte', 7n, 0.5],
  },
  { declared: 'BLOB', values: [Buffer.from([0, 1, 255]), Buffer.alloc(0), 'text as bytes', 5n] },
  {
    declared: 'DATETIME',
    values: [
      '2024-01-31 12:34:56',
      '2024-02-29 00:00:00',
      '2023-02-29 00:00:00',
      '2024-01-31T12:34:56.123Z',
      '2024-01-31 12:34:56.123456',
      '2024-01-31 12:34',
      '2024-01-31',
      '2024-06-01 10:00:00+02:00',
      '2024-06-01 10:00:00-0530',
      ' 2024-01-01 00:00:00 ',
      '1969-12-31 23:59:59',
      '1600-03-01 00:00:00',
      '9999-12-31 23:59:59',
      '2024-13-01 00:00:00',
      'yesterday',
      5n,
    ],
  },
  {
    declared: 'DATETIME',
    dates: 'epoch-ms',
    values: [0n, 1700000000123n, -86400000n, 1700000000123.5, '1700000000000', 'x'],
  },
  { declared: 'TIMESTAMP', dates: 'epoch-s', values: [0n, 1700000000n, 1700000000.25, -1n] },
  {
    declared: 'TIMESTAMP',
    values: ['2024-01-31 12:34:56', '2024-06-01 10:00:00+02:00', '2024-01-31T12:34:56.5Z', 'bad'],
  },
  { declared: 'DATE', values: ['2024-01-31', '2024-02-30', '1999-12-31 23:00:00', '2024-06-01 01:00:00+05:00', 'no'] },
  { declared: 'DATE', dates: 'epoch-s', values: [0n, 1700000000n, -100000n] },
  {
    declared: 'TIME',
    values: ['12:34', '12:34:56', '23:59:59.999999', '00:00:00.5', '24:00:00', '24:00:01', '25:00', '12:60', 'noon'],
  },
  { declared: 'JSON', values: ['{"a":1}', '[1, "tab\\there"]', '"x"', '{bad', '{"nul":"\\u0000"}', 5n] },
  {
    declared: 'UUID',
    values: ['0b6f6f8e-2c1a-4d8e-9a3b-5c6d7e8f9a0b', '0B6F6F8E2C1A4D8E9A3B5C6D7E8F9A0B', 'nope', Buffer.alloc(16, 7)],
  },
]

let client: pg.Client

beforeAll(async () => {
  client = new pg.Client({ connectionString: await createFreshDatabase('copy_binary', { migrate: false }) })
  await client.connect()
})
afterAll(() => client?.end())

async function copyInto(sql: string, data: Buffer | string) {
  const sink = client.query(copyFrom(sql))
  sink.end(data)
  await finished(sink)
}

describe('binary COPY of SQLite values', () => {
  it.each(CASES.map((c, i) => [`${c.declared}${c.dates ? ` (${c.dates})` : ''}`, i] as const))(
    '%s: the same rows stored and the same values rejected as through COPY text',
    async (_, index) => {
      const { declared, dates, values } = CASES[index] as Case
      const type = pgTypeOf(declared)
      await client.query(`DROP TABLE IF EXISTS via_text, via_binary`)
      await client.query(`CREATE TABLE via_text (n int, v ${type.sql})`)
      await client.query(`CREATE TABLE via_binary (n int, v ${type.sql})`)
      const { rows } = await client.query<{ t: string }>(
        `SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'via_binary'::regclass AND attname = 'v'`,
      )
      expect(binaryFits([type], [rows[0]?.t ?? ''])).toBe(true)

      const text = encoderFor(type, { dates })
      const binary = binaryEncoderFor(type, { dates })
      const nullable = [...values, null]
      let lines = ''
      const piece = new BinaryPiece(64)
      piece.ensure(BINARY_HEADER.length)
      piece.length += BINARY_HEADER.copy(piece.buffer, 0)
      const textRejects: (string | null)[] = []
      const binaryRejects: (string | null)[] = []
      nullable.forEach((value, n) => {
        const field = text(value)
        textRejects.push(isRejected(field) ? field.reject : null)
        if (!isRejected(field)) lines += `${n}\t${field}\n`
        const start = piece.length
        piece.int16(2)
        piece.field(4, (b, at) => b.writeInt32BE(n, at))
        const rejected = binary(value, piece)
        binaryRejects.push(rejected ? rejected.reject : null)
        if (rejected) piece.length = start
      })
      piece.ensure(2)
      piece.length += BINARY_TRAILER.copy(piece.buffer, piece.length)

      expect(binaryRejects).toEqual(textRejects)
      await copyInto('COPY via_text FROM STDIN', lines)
      await copyInto('COPY via_binary FROM STDIN (FORMAT binary)', piece.buffer.subarray(0, piece.length))
      const differ = await client.query(
        `(SELECT * FROM via_text EXCEPT SELECT * FROM via_binary) UNION ALL (SELECT * FROM via_binary EXCEPT SELECT * FROM via_text)`,
      )
      expect(differ.rows).toEqual([])
      const count = await client.query<{ n: string }>(`SELECT count(*) AS n FROM via_binary`)
      expect(Number(count.rows[0]?.n)).toBe(textRejects.filter((r) => r === null).length)
    },
  )

  it('is chosen only when every column has the same type on the target', () => {
    const types = ['INTEGER', 'VARCHAR(20)', 'DATETIME'].map(pgTypeOf)
    expect(binaryFits(types, ['bigint', 'character varying(20)', 'timestamp with time zone'])).toBe(true)
    expect(binaryFits(types, ['integer', 'character varying(20)', 'timestamp with time zone'])).toBe(false)
    expect(binaryFits(types, ['bigint', 'text', 'timestamp with time zone'])).toBe(false)
    expect(binaryFits([pgTypeOf('DECIMAL(5,2)')], ['numeric(5,2)'])).toBe(false)
  })
})
