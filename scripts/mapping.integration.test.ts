import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { lockstep } from '@/lib/testing/lockstep-cli'
import { describe, expect, it } from 'vitest'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { PRISMA_MAPPING, prismaShapedFile } from '@/lib/testing/prisma-shaped'

// `lockstep copy … --mapping FILE.json` and `lockstep validate … --mapping FILE.json` as a user runs them: the
// package's bin in a process of its own, a mapping file beside the data, a wrong rule named before anything runs.
async function fixture() {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-cli-mapping-'))
  const file = prismaShapedFile(
    (name, sql, fill) => {
      const path = join(dir, name)
      const db = new Database(path)
      db.exec(sql)
      fill?.(db)
      db.close()
      return path
    },
    'app.db',
    { misfit: false },
  )
  const mapping = join(dir, 'mapping.json')
  await writeFile(mapping, JSON.stringify(PRISMA_MAPPING, null, 2))
  return { dir, file, mapping }
}

describe('lockstep copy and validate with --mapping', () => {
  it('copies through the mapping and validates through it; without it the validation fails', async () => {
    const { file, mapping } = await fixture()
    const url = await createFreshDatabase('cli_mapping', { migrate: false })
    const copied = await lockstep(['copy', '--from', file, '--to', url, '--mapping', mapping])
    expect(copied.stderr).not.toMatch(/error/i)
    expect(copied.code).toBe(0)
    expect(copied.stdout).toMatch(/users\s+2\s+2\s+0/)
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      const { rows } = await client.query(`SELECT display_name, is_active FROM users ORDER BY created_at`)
      expect(rows).toEqual([
        { display_name: 'Ada Lovelace', is_active: true },
        { display_name: 'Grace', is_active: true },
      ])
    } finally {
      await client.end()
    }
    const validated = await lockstep(['validate', '--source', file, '--target', url, '--mapping', mapping, '--json'])
    expect(validated.code).toBe(0)
    const report = JSON.parse(validated.stdout) as { status: string; tables: { table: string; state: string }[] }
    expect(report.status).toBe('PASSED')
    expect(report.tables.map((t) => [t.table, t.state])).toEqual([
      ['posts', 'VALIDATED'],
      ['users', 'VALIDATED'],
    ])
    const unmapped = await lockstep(['validate', '--source', file, '--target', url, '--json'])
    expect(unmapped.code).toBe(1)
  })

  it('names the wrong rule of a mapping file, or a file that is not JSON, and changes nothing', async () => {
    const { dir, file } = await fixture()
    const url = await createFreshDatabase('cli_mapping_bad', { migrate: false })
    const bad = join(dir, 'bad.json')
    await writeFile(
      bad,
      JSON.stringify({
        tables: [
          {
            table: 'User',
            columns: [
              { column: 'createdAt', type: 'timestmp' },
              { column: 'id', transform: 'x; DROP TABLE y' },
            ],
          },
        ],
      }),
    )
    const refused = await lockstep(['copy', '--from', file, '--to', url, '--mapping', bad])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain(`--mapping ${bad}: 2 rules are wrong:`)
    expect(refused.stderr).toContain('User.createdAt: type: “timestmp” is not a type a mapping can set')
    expect(refused.stderr).toContain('User.id: the transform contains “;”')
    const notJson = join(dir, 'mapping.yaml')
    await writeFile(notJson, 'tables:\n  - table: User\n')
    const unreadable = await lockstep(['validate', '--source', file, '--target', url, '--mapping', notJson])
    expect(unreadable.code).toBe(2)
    expect(unreadable.stderr).toContain(`--mapping ${notJson} is not JSON`)
    const missing = await lockstep(['copy', '--from', file, '--to', url, '--mapping', join(dir, 'nowhere.json')])
    expect(missing.stderr).toContain('nowhere.json: no such file')
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      expect((await client.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public'`)).rowCount).toBe(0)
    } finally {
      await client.end()
    }
  })
})
