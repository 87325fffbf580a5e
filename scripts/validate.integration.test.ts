import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { lockstep } from '@/lib/testing/lockstep-cli'
import { describe, expect, it } from 'vitest'
import type { ValidationReport } from '@/lib/domain/validation-report'
import { createFreshDatabase } from '@/lib/testing/fresh-database'

// `lockstep validate` as a user runs it: the package's bin in a process of its own, after `lockstep copy` –
// equal data passes, a row changed on the target is reported with its key and column, and what cannot be
// validated says why with its own exit status.
async function execute(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

describe('lockstep validate', () => {
  it('passes after a copy, then reports a row changed on the target with its key and column (text and JSON)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-validate-cli-'))
    const file = join(dir, 'shop.db')
    const db = new Database(file)
    db.exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, balance REAL, joined DATETIME);
             CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
             CREATE TABLE tags (name TEXT, weight REAL)`)
    db.transaction(() => {
      const customer = db.prepare('INSERT INTO customers VALUES (?, ?, ?, ?)')
      for (let i = 1; i <= 200; i++)
        customer.run(
          i,
          `Customer ${i}`,
          i % 7 ? i / 4 : null,
          `2024-03-${String((i % 28) + 1).padStart(2, '0')} 10:00:00`,
        )
      const country = db.prepare('INSERT INTO countries VALUES (?, ?)')
      for (const [code, name] of [
        ['DE', 'Germany'],
        ['FR', 'France'],
        ['JP', 'Japan'],
      ])
        country.run(code, name)
      const tag = db.prepare('INSERT INTO tags VALUES (?, ?)')
      for (let i = 0; i < 20; i++) tag.run(`tag ${i}`, i / 3)
    })()
    db.close()
    const url = `${await createFreshDatabase('validate_cli', { migrate: false })}?sslmode=disable`
    const copy = await lockstep(['copy', '--from', file, '--to', url])
    expect(copy.code, copy.stderr).toBe(0)

    const equal = await lockstep(['validate', '--source', file, '--target', url])
    expect(equal.code, equal.stderr).toBe(0)
    expect(equal.stdout).toMatch(/^customers\s+200\s+200\s+VALIDATED\s+0\s+0\s+0$/m)
    expect(equal.stdout).toMatch(/^countries\s+3\s+3\s+VALIDATED/m)
    expect(equal.stdout).toMatch(/^tags\s+20\s+20\s+NO_PRIMARY_KEY/m)
    expect(equal.stdout).toMatch(/^PASSED: /m)

    await execute(url, `UPDATE customers SET name = 'Renamed' WHERE id = 42; DELETE FROM countries WHERE code = 'FR'`)
    const changed = await lockstep(['validate', '--source', file, '--target', url, '--tables', 'customers,countries'])
    expect(changed.code, changed.stderr).toBe(1)
    expect(changed.stdout).toMatch(/^customers\s+200\s+200\s+MISMATCHED\s+0\s+0\s+1$/m)
    expect(changed.stdout).toMatch(/^\s+changed\s+42\s+name: Customer 42 → Renamed$/m)
    expect(changed.stdout).toMatch(/^\s+missing\s+FR$/m)
    expect(changed.stdout).not.toContain('tags')
    expect(changed.stdout).toMatch(/^FAILED: /m)

    const json = await lockstep(['validate', '--source', file, '--target', url, '--json', '--no-integrity'])
    expect(json.code, json.stderr).toBe(1)
    const report = JSON.parse(json.stdout) as ValidationReport
    expect(report.status).toBe('FAILED')
    expect(report.tables.find((t) => t.table === 'customers')?.samples).toEqual([
      { kind: 'changed', key: '42', columns: [{ column: 'name', source: 'Customer 42', target: 'Renamed' }] },
    ])
    expect(report.tables.find((t) => t.table === 'countries')).toMatchObject({ state: 'MISMATCHED', missing: 1 })
  }, 120_000)

  it('says why it cannot validate – not a SQLite file, no such file, no server – without a stack trace; a missing option is a usage error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-validate-bad-'))
    const notes = join(dir, 'notes.db')
    await writeFile(notes, 'this is not a database at all, just text that is long enough to have a header')
    const url = `${await createFreshDatabase('validate_bad', { migrate: false })}?sslmode=disable`

    const [notSqlite, missing, noServer, noTarget] = await Promise.all([
      lockstep(['validate', '--source', notes, '--target', url]),
      lockstep(['validate', '--source', join(dir, 'missing.db'), '--target', url]),
      lockstep([
        'validate',
        '--source',
        url,
        '--target',
        'postgresql://nobody:secret@127.0.0.1:1/nothing?sslmode=disable',
      ]),
      lockstep(['validate', '--source', notes]),
    ])
    expect(notSqlite.code).toBe(3)
    expect(notSqlite.stderr).toContain('is not a SQLite database')
    expect(missing.code).toBe(3)
    expect(missing.stderr).toContain('no such file')
    expect(noServer.code).toBe(3)
    expect(noServer.stderr).toContain('The target (127.0.0.1:1/nothing)')
    expect(noServer.stderr).not.toContain('secret')
    for (const run of [notSqlite, missing, noServer]) {
      expect(run.stdout).toBe('')
      expect(run.stderr).not.toMatch(/^\s+at /m)
    }
    expect(noTarget.code).toBe(2)
    expect(noTarget.stderr).toContain('Name the source (--source) and the target (--target).')
    expect(noTarget.stderr).toContain('Usage: lockstep validate')
  }, 60_000)
})
