import { describe, expect, it } from 'vitest'
import { pgTypeOf } from './sqlite-types'

describe('pgTypeOf', () => {
  it.each([
    ['INTEGER', 'bigint'],
    ['integer auto_increment', 'bigint'],
    ['text nocase', 'text'],
    ['short integer', 'smallint'],
    ['BLOB SUB_TYPE TEXT', 'text'],
    ['int', 'bigint'],
    ['BIGINT', 'bigint'],
    ['smallint', 'smallint'],
    ['MEDIUMINT', 'integer'],
    ['varchar(255)', 'varchar(255)'],
    ['NVARCHAR( 40 )', 'varchar(40)'],
    ['character varying(12)', 'varchar(12)'],
    ['DECIMAL(10,2)', 'numeric(10, 2)'],
    ['numeric(12, 4)', 'numeric(12, 4)'],
    ['NUMERIC', 'numeric'],
    ['REAL', 'double precision'],
    ['double precision', 'double precision'],
    ['BOOLEAN', 'boolean'],
    ['DATETIME', 'timestamptz'],
    ['timestamp', 'timestamptz'],
    ['DATE', 'date'],
    ['BLOB', 'bytea'],
    ['TEXT', 'text'],
    ['JSON', 'jsonb'],
    ['uuid', 'uuid'],
  ])('%s → %s', (declared, sql) => {
    expect(pgTypeOf(declared).sql).toBe(sql)
  })

  it('copies unknown and missing types as text, with a warning', () => {
    expect(pgTypeOf('GEOMETRY')).toEqual({
      sql: 'text',
      kind: 'text',
      warning: 'unknown type “GEOMETRY”; copied as text',
    })
    expect(pgTypeOf('')).toMatchObject({ sql: 'text', warning: expect.stringContaining('no declared type') })
    expect(pgTypeOf(null).kind).toBe('text')
  })
})
