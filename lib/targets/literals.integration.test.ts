import { describe, expect, it } from 'vitest'
import { restartIdentitySql } from '@/lib/engine/copy/sqlite-schema'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'
import { connectPostgres, postgresTargetFromUrl } from './postgres'

// Names from a source's catalog are untrusted: a column named to close a string literal early must stay a name,
// even on a target whose database asks for the old backslash escapes in strings.

describe('literals on a target', () => {
  it('stay literals with standard_conforming_strings off for the database, and a hostile column name drops nothing', async () => {
    const url = await createFreshDatabase('literals', { migrate: false })
    const evil = "X\\'), 1) WHERE false; DROP TABLE victim; --"
    await queryDatabase(url, `CREATE TABLE victim (id int); CREATE TABLE t ("${evil}" serial)`)
    const database = new URL(url).pathname.slice(1)
    await queryDatabase(url, `ALTER DATABASE ${database} SET standard_conforming_strings = off`)
    const client = await connectPostgres({ ...postgresTargetFromUrl(url), sslMode: 'disable' })
    try {
      expect((await client.query('SHOW standard_conforming_strings')).rows).toEqual([
        { standard_conforming_strings: 'on' },
      ])
      await client.query(restartIdentitySql('public', 't', evil))
      expect((await client.query("SELECT to_regclass('victim') IS NOT NULL AS kept")).rows).toEqual([{ kept: true }])
    } finally {
      await client.end()
    }
  })
})
