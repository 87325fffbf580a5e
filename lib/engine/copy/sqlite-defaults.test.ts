import { describe, expect, it } from 'vitest'
import { translateDefault } from './sqlite-defaults'
import { pgTypeOf } from './sqlite-types'

const sql = (raw: string, declared: string) => {
  const d = translateDefault(raw, pgTypeOf(declared))
  return 'sql' in d ? d.sql : null
}
const reason = (raw: string, declared: string) => {
  const d = translateDefault(raw, pgTypeOf(declared))
  return 'reason' in d ? d.reason : null
}

describe('translateDefault: the defaults real SQLite databases hold', () => {
  it('keeps literals that fit their column, in PostgreSQL spelling', () => {
    expect(sql('0', 'INTEGER')).toBe('0')
    expect(sql('-1', 'INT')).toBe('-1')
    expect(sql("'0'", 'tinyint')).toBe("'0'")
    expect(sql('""', 'text')).toBe("''")
    expect(sql("'it''s'", 'TEXT')).toBe("'it''s'")
    expect(sql('1', 'BOOLEAN')).toBe("'t'")
    expect(sql('(0)', 'REAL')).toBe('0')
    expect(sql('NULL', 'intege')).toBe('NULL')
    expect(sql("'2024-01-31 10:00:00'", 'DATETIME')).toBe("'2024-01-31 10:00:00+00'")
    expect(sql("X'00ff'", 'BLOB')).toBe("E'\\\\x00ff'")
    expect(sql('TRUE', 'boolean')).toBe("'t'")
  })

  it('drops a literal that does not fit its column, saying why', () => {
    expect(reason('0', 'DATETIME')).toMatch(/is a number, which is not a timestamptz value/)
    expect(reason(`'"0"'`, 'integer')).toMatch(/does not fit: “"0"” is not a whole number/)
    expect(reason("'now'", 'DATETIME')).toMatch(/not a datetime/)
    expect(reason("'abc'", 'varchar(2)')).toMatch(/do not fit varchar\(2\)/)
  })

  it('translates every spelling of the current time for the column it is on, read in UTC like SQLite', () => {
    expect(sql('CURRENT_TIMESTAMP', 'DATETIME')).toBe('CURRENT_TIMESTAMP')
    expect(sql('(current_timestamp)', 'timestamp')).toBe('CURRENT_TIMESTAMP')
    expect(sql("datetime('now')", 'DATETIME')).toBe('CURRENT_TIMESTAMP')
    expect(sql("(DATETIME('NOW'))", 'DATETIME')).toBe('CURRENT_TIMESTAMP')
    expect(sql("strftime('%Y-%m-%d %H:%M:%f', 'now')", 'TIMESTAMP')).toBe('CURRENT_TIMESTAMP')
    expect(sql("strftime('%s','now')", 'INTEGER')).toBe('floor(extract(epoch FROM CURRENT_TIMESTAMP))::bigint')
    expect(sql('unixepoch()', 'INTEGER')).toBe('floor(extract(epoch FROM CURRENT_TIMESTAMP))::bigint')
    expect(sql('current_date', 'date')).toBe(`(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date`)
    expect(sql('current_date', 'datetime')).toBe(
      `(date_trunc('day', (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')) AT TIME ZONE 'UTC')`,
    )
    expect(sql('CURRENT_TIMESTAMP', 'TEXT')).toBe(
      `to_char((CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'YYYY-MM-DD HH24:MI:SS')`,
    )
    expect(sql("strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", 'TEXT')).toBe(
      `to_char((CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    )
  })

  it('drops clock defaults that have no fixed meaning or no fitting type, and expressions, saying why', () => {
    expect(reason("DATETIME('now', 'localtime')", 'datetime')).toMatch(/shifts the clock \('localtime'\)/)
    expect(reason('CURRENT_TIMESTAMP', 'INTEGER')).toMatch(/does not fit a bigint column/)
    expect(reason("julianday('now')", 'REAL')).toMatch(/julianday\(\)/)
    expect(reason('(abs(random()) % 100)', 'INTEGER')).toMatch(/expression/)
    expect(reason("lower('X')", 'TEXT')).toBe('is an expression PostgreSQL has no equivalent for')
    expect(reason("strftime('%w', 'now')", 'TEXT')).toMatch(/not a date or time/)
  })
})
