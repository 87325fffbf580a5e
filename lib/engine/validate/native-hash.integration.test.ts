import { finished } from 'node:stream/promises'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { caseName, typeOfCase, VALUE_CASES } from '@/lib/engine/copy/fixtures/value-cases'
import { pgTypeOf } from '@/lib/engine/copy/sqlite-types'
import { encoderFor, isRejected } from '@/lib/engine/copy/values'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { recordHash, sqliteNativeHasher } from './native-hash'
import { hashUint32Extended } from './pg-hash'

// A SQLite row hashed in JavaScript must give exactly PostgreSQL's hash_record_extended of the row the copy
// stored: every value below is copied into a table of its target type, and PostgreSQL hashes each row.

let client: pg.Client

beforeAll(async () => {
  client = new pg.Client({ connectionString: await createFreshDatabase('validate_native', { migrate: false }) })
  await client.connect()
})
afterAll(() => client?.end())

describe('native row hashes of SQLite values', () => {
  const natives = VALUE_CASES.filter((c) => sqliteNativeHasher(typeOfCase(c), c.dates))
  it('cover the common column types', () => {
    expect(new Set(natives.map((c) => typeOfCase(c).kind))).toEqual(
      new Set([
        'bigint',
        'integer',
        'smallint',
        'double',
        'boolean',
        'varchar',
        'text',
        'bytea',
        'timestamptz',
        'timestamp',
        'date',
        'uuid',
      ]),
    )
  })

  it.each(natives.map((c) => [caseName(c), c] as const))(
    '%s: hash_record_extended of each stored row, NULL included; rejected values match nothing',
    async (_, c) => {
      const { declared, dates, values } = c
      const type = typeOfCase(c)
      const encode = encoderFor(type, { dates })
      const hasher = sqliteNativeHasher(type, dates)
      if (!hasher) throw new Error('not hashed natively')
      await client.query(`DROP TABLE IF EXISTS hashed`)
      await client.query(`CREATE TABLE hashed (n int, v ${type.sql})`)
      const all = [...values, null]
      let lines = ''
      all.forEach((value, n) => {
        const field = encode(value)
        if (!isRejected(field)) lines += `${n}\t${field}\n`
      })
      const sink = client.query(copyFrom('COPY hashed FROM STDIN'))
      sink.end(lines)
      await finished(sink)
      const { rows } = await client.query<{ n: number; hi: number; lo: string; one: string }>(
        `SELECT n, (hash_record_extended(ROW(n, v), 0) >> 32)::int AS hi, hash_record_extended(ROW(n, v), 0) & 4294967295 AS lo,
                hash_record_extended(ROW(v), 0)::text AS one FROM hashed ORDER BY n`,
      )
      const stored = new Map(rows.map((r) => [r.n, r]))
      all.forEach((value, n) => {
        const [hi, lo] = recordHash([(k) => hashUint32Extended(Number(k)), hasher], [n, value])
        const row = stored.get(n)
        if (row) expect([hi, lo], `${declared} ${String(value)}`).toEqual([row.hi, Number(row.lo)])
        else expect(rows.some((r) => r.hi === hi && Number(r.lo) === lo)).toBe(false)
      })
    },
  )

  it('hashes columns of other types through canonical text instead', () => {
    for (const declared of ['DECIMAL(5,2)', 'JSON', 'TIME']) expect(sqliteNativeHasher(pgTypeOf(declared))).toBeNull()
  })
})
