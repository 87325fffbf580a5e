import { describe, expect, it } from 'vitest'
import { confirmationNameOf, isSameDatabase, type Endpoint } from './rules'

const pg = (over: Partial<Endpoint> = {}): Endpoint => ({
  id: 'a',
  engine: 'POSTGRES',
  host: 'db.internal',
  port: 5432,
  database: 'orders',
  filePath: null,
  ...over,
})

describe('restoring over the source', () => {
  it('is the same connection, or another one to the same database', () => {
    expect(isSameDatabase(pg(), pg())).toBe(true)
    expect(isSameDatabase(pg(), pg({ id: 'b', host: 'DB.internal', port: null }))).toBe(true)
    expect(isSameDatabase(pg({ host: '127.0.0.1' }), pg({ id: 'b', host: 'localhost' }))).toBe(true)
  })

  it('is not another database, port or engine', () => {
    expect(isSameDatabase(pg(), pg({ id: 'b', database: 'orders_restore' }))).toBe(false)
    expect(isSameDatabase(pg(), pg({ id: 'b', port: 5433 }))).toBe(false)
    expect(
      isSameDatabase(pg(), { id: 'b', engine: 'SQLITE', host: null, port: null, database: null, filePath: 'orders' }),
    ).toBe(false)
    const file = (id: string, filePath: string): Endpoint => ({
      id,
      engine: 'SQLITE',
      host: null,
      port: null,
      database: null,
      filePath,
    })
    expect(isSameDatabase(file('a', 'homes.db'), file('b', 'homes.db'))).toBe(true)
    expect(isSameDatabase(file('a', 'homes.db'), file('b', 'homes-copy.db'))).toBe(false)
  })

  it('asks for the database name, or the SQLite file', () => {
    expect(confirmationNameOf(pg())).toBe('orders')
    expect(
      confirmationNameOf({ id: 'a', engine: 'SQLITE', host: null, port: null, database: null, filePath: 'homes.db' }),
    ).toBe('homes.db')
  })
})
