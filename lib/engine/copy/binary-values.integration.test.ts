import { finished } from 'node:stream/promises'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { BINARY_HEADER, BINARY_TRAILER, binaryEncoderFor, binaryFits, BinaryPiece } from './binary-values'
import { pgTypeOf } from './sqlite-types'
import { encoderFor, isRejected } from './values'
import { caseName, typeOfCase, VALUE_CASES as CASES } from './fixtures/value-cases'

// The binary COPY path must store exactly what the text path stores, and reject exactly what it rejects:
// every value below goes through both encoders into two tables of the same type, which PostgreSQL compares.

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
  it.each(CASES.map((c) => [caseName(c), c] as const))(
    '%s: the same rows stored and the same values rejected as through COPY text',
    async (_, c) => {
      const { dates, values } = c
      const type = typeOfCase(c)
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
