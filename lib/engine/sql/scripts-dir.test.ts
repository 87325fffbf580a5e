import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readScriptsDir } from './scripts-dir'

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

async function layout(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-scripts-'))
  dirs.push(dir)
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true })
    await writeFile(join(dir, path), text)
  }
  return dir
}

describe('reading a directory of migrations', () => {
  it("reads Prisma's folders in order and names the folders without SQL, with the reason", async () => {
    const dir = await layout({
      'migration_lock.toml': 'provider = "postgresql"',
      '20240102000000_add_status/migration.sql': 'ALTER TABLE t ADD COLUMN status text;',
      '20240101000000_init/migration.sql': '\uFEFFCREATE TABLE t (id int);',
      '20240103000000_backfill_status/migration.ts': 'export default async function run() {}',
      '20240103000000_backfill_status/utils.ts': 'export {}',
      '20240104000000_empty/.gitkeep': '',
      '20240105000000_split/migration.sql': 'SELECT 1;',
      '20240105000000_split/migration.ts': 'export {}',
    })
    const { scripts, skipped } = await readScriptsDir(dir)
    expect(scripts.map((s) => [s.version, s.description, s.file, s.sql])).toEqual([
      ['20240101000000_init', 'init', '20240101000000_init/migration.sql', 'CREATE TABLE t (id int);'],
      [
        '20240102000000_add_status',
        'add status',
        '20240102000000_add_status/migration.sql',
        'ALTER TABLE t ADD COLUMN status text;',
      ],
      ['20240105000000_split', 'split', '20240105000000_split/migration.sql', 'SELECT 1;'],
    ])
    expect(skipped).toEqual([
      {
        name: '20240103000000_backfill_status',
        reason:
          'holds migration.ts and no migration.sql: a data migration in code, which Lockstep does not run; run it with the project’s own tooling',
      },
      { name: '20240104000000_empty', reason: 'holds no migration.sql' },
      {
        name: '20240105000000_split/migration.ts',
        reason: 'a data migration in code beside migration.sql: Lockstep runs the migration.sql only',
      },
    ])
  })

  it("reads Flyway's scripts from the directory and below it, in version order, and names what it does not run", async () => {
    const dir = await layout({
      'V1__create_orders.sql': 'CREATE TABLE orders (id int);',
      'U1__create_orders.sql': 'DROP TABLE orders;',
      'V1.1__add_total.sql': 'ALTER TABLE orders ADD COLUMN total numeric;',
      'later/V2__index.sql': 'CREATE INDEX orders_total ON orders (total);',
      'R__views.sql': 'CREATE OR REPLACE VIEW v AS SELECT 1;',
      'U9__orphan.sql': 'SELECT 1;',
      'V3__Backfill.java': 'class V3__Backfill {}',
      'notes.sql': '-- scratch',
      'README.md': 'not a migration',
    })
    const { scripts, skipped } = await readScriptsDir(dir)
    expect(scripts.map((s) => [s.version, s.file, s.rollbackSql ?? null])).toEqual([
      ['V1', 'V1__create_orders.sql', 'DROP TABLE orders;'],
      ['V1.1', 'V1.1__add_total.sql', null],
      ['V2', 'later/V2__index.sql', null],
    ])
    expect(skipped).toEqual([
      { name: 'notes.sql', reason: 'not named V<version>__<description>.sql' },
      {
        name: 'R__views.sql',
        reason: 'a repeatable migration (R__): Lockstep applies versioned V<version>__ scripts only',
      },
      { name: 'U9__orphan.sql', reason: 'an undo script without a V9__ script' },
      { name: 'V3__Backfill.java', reason: 'a migration in code, not SQL: run it with the project’s own tooling' },
    ])
  })

  it('names the repeatable scripts of a directory that holds nothing else, rather than finding no scripts', async () => {
    const dir = await layout({ 'R__initial_schema.sql': 'CREATE TABLE IF NOT EXISTS t (id int);' })
    expect(await readScriptsDir(dir)).toEqual({
      scripts: [],
      skipped: [
        {
          name: 'R__initial_schema.sql',
          reason: 'a repeatable migration (R__): Lockstep applies versioned V<version>__ scripts only',
        },
      ],
    })
  })

  it('refuses two scripts of one version, naming both files', async () => {
    const dir = await layout({ 'V1__a.sql': 'SELECT 1;', 'sub/V1__b.sql': 'SELECT 2;' })
    await expect(readScriptsDir(dir)).rejects.toThrow('Two scripts have version 1: sub/V1__b.sql and V1__a.sql.')
  })
})
