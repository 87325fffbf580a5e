import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { columnDateEncoding } from './sqlite-source'

// How a datetime column stores its instants is decided from every stored value; with an index leading with the
// column, uniform columns are decided from the index's two ends instead. Both ways must always agree.

const SHAPES: Record<string, unknown[]> = {
  'ISO text': ['2024-01-02 03:04:05', '2023-12-31T23:59:59Z', null],
  'epoch milliseconds': [1_700_000_000_000, 1_600_000_000_123, null],
  'epoch seconds': [1_700_000_000, 1_600_000_000.5, 0],
  'negative milliseconds': [-200_000_000_000, -100_000_000_000],
  'seconds before 1970': [-100_000, 5],
  'only NULL': [null, null],
  'no rows': [],
  'text and numbers, text the majority': ['2024-01-02', '2024-01-03', 1_700_000_000],
  'text and numbers, numbers the majority': ['2024-01-02', 1_700_000_000, 1_700_000_001],
  'seconds and milliseconds, milliseconds the majority': [1_700_000_000, 1_700_000_000_000, 1_700_000_000_001],
  'seconds and milliseconds, seconds the majority': [1_700_000_000, 1_700_000_001, 1_700_000_000_000],
  'numbers on both sides of zero past 1e11': [-200_000_000_000, 200_000_000_000],
  'a blob among text': [Buffer.from('2024'), '2024-01-02'],
}

let db: Database.Database | null = null
afterEach(() => db?.close())

function table(values: unknown[], index: 'none' | 'plain' | 'partial') {
  db = new Database(':memory:')
  db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, at DATETIME)')
  if (index === 'plain') db.exec('CREATE INDEX events_at ON events (at)')
  if (index === 'partial') db.exec('CREATE INDEX events_at ON events (at) WHERE id > 1')
  const insert = db.prepare('INSERT INTO events (at) VALUES (?)')
  for (const value of values) insert.run(value)
  return db
}

describe('a datetime column’s encoding', () => {
  it.each(Object.entries(SHAPES))('is the same with an index as counted without one: %s', (_, values) => {
    const counted = columnDateEncoding(table(values, 'none'), 'events', 'at')
    db?.close()
    expect(columnDateEncoding(table(values, 'plain'), 'events', 'at')).toBe(counted)
    db?.close()
    expect(columnDateEncoding(table(values, 'partial'), 'events', 'at')).toBe(counted)
  })

  it('reads the usual shapes as a person would', () => {
    const of = (values: unknown[]) => {
      const encoding = columnDateEncoding(table(values, 'plain'), 'events', 'at')
      db?.close()
      return encoding
    }
    expect(of(SHAPES['ISO text'] ?? [])).toBe('iso')
    expect(of(SHAPES['epoch milliseconds'] ?? [])).toBe('epoch-ms')
    expect(of(SHAPES['epoch seconds'] ?? [])).toBe('epoch-s')
    expect(of(SHAPES['text and numbers, numbers the majority'] ?? [])).toBe('epoch-s')
    expect(of(SHAPES['seconds and milliseconds, milliseconds the majority'] ?? [])).toBe('epoch-ms')
  })

  it('looks at the index’s two ends only when the index leads with the column and covers every row', () => {
    const statements: string[] = []
    db = new Database(':memory:', { verbose: (sql) => statements.push(String(sql)) })
    db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, at DATETIME)')
    db.exec('CREATE INDEX events_at ON events (at)')
    db.prepare('INSERT INTO events (at) VALUES (?)').run('2024-01-02')
    statements.length = 0
    expect(columnDateEncoding(db, 'events', 'at')).toBe('iso')
    expect(statements.filter((s) => s.startsWith('SELECT'))).toEqual(['SELECT min("at") AS v FROM "events"'])
  })
})
