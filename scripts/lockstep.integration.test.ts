import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inject } from 'vitest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { childEnv } from '@/lib/env'
import { parsePlanDocument } from '@/lib/plan-document/parse'
import { getPlanForViewer } from '@/lib/server/plans/queries'
import { makeUser } from '@/lib/testing/factories'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'

// The `lockstep` command as a user runs it: the package's bin, a separate process, real files.
const BIN = join(import.meta.dirname, '..', 'bin', 'lockstep.mjs')
const FIXTURES = join(import.meta.dirname, '..', 'lib', 'plan-document', 'fixtures')

// The command's own data directory (embedded database, secret key) for these tests: never the checkout's .lockstep.
let dataDir = ''
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lockstep-cli-data-'))
})
afterAll(() => rm(dataDir, { recursive: true, force: true }))

function lockstep(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: childEnv({ DATABASE_URL: '', LOCKSTEP_DATA_DIR: dataDir, ...env }),
        cwd: tmpdir(),
        maxBuffer: 10 * 1024 * 1024,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

describe('lockstep plan parse / format', () => {
  it('prints the parsed plan as JSON, and formats that JSON back to Markdown of the same structure', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-cli-'))
    const parsed = await lockstep(['plan', 'parse', join(FIXTURES, 'generic-five-week-plan.md')])
    expect(parsed.code).toBe(0)
    const json = JSON.parse(parsed.stdout) as {
      title: string
      phases: { name: string; window: string; items: { text: string; done: boolean }[] }[]
    }
    expect(json.title).toBe('Database Migration Plan')
    expect(json.phases.map((p) => [p.name, p.window, p.items.length])).toEqual([
      ['Preparation', 'Week 1', 9],
      ['Data Migration', 'Week 2', 9],
      ['Application Updates', 'Week 3', 9],
      ['Testing & Validation', 'Week 4', 9],
      ['Deployment', 'Week 5', 9],
    ])
    await writeFile(join(dir, 'plan.json'), parsed.stdout)
    const formatted = await lockstep(['plan', 'format', join(dir, 'plan.json')])
    expect(formatted.code).toBe(0)
    expect(parsePlanDocument(formatted.stdout).phases).toEqual(
      parsePlanDocument(
        await import('node:fs').then((fs) => fs.readFileSync(join(FIXTURES, 'generic-five-week-plan.md'))),
      ).phases,
    )
  })

  it('answers bad input with one clear line and a non-zero exit, never a stack trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-cli-'))
    await writeFile(join(dir, 'binary.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]))
    await writeFile(join(dir, 'empty.md'), '')
    await writeFile(join(dir, 'bad.json'), '{"title": 3}')
    const cases: [string[], number, string][] = [
      [
        ['plan', 'parse', join(dir, 'binary.md')],
        1,
        `Error: ${join(dir, 'binary.md')}: This file is binary, not a Markdown document.`,
      ],
      [['plan', 'parse', join(dir, 'empty.md')], 1, `Error: ${join(dir, 'empty.md')}: The document is empty.`],
      [['plan', 'parse', join(dir, 'missing.md')], 1, 'no such file'],
      [['plan', 'format', join(dir, 'bad.json')], 1, 'title: Invalid input'],
      [['plan', 'frobnicate'], 2, 'Unknown command'],
    ]
    for (const [args, code, message] of cases) {
      const result = await lockstep(args)
      expect(result.code, args.join(' ')).toBe(code)
      expect(result.stderr).toContain(message)
      expect(result.stderr).not.toMatch(/\n\s+at /)
    }
  })
})

describe('lockstep plan import / export', () => {
  it('imports a document as the named user and exports it back', async () => {
    const lead = await makeUser('LEAD')
    const env = { DATABASE_URL: inject('databaseUrl') }
    const imported = await lockstep(
      ['plan', 'import', join(FIXTURES, 'sqlite-to-postgres-dual-write.md'), '--as', lead.email],
      env,
    )
    expect(
      imported.stderr
        .split('\n')
        .filter((l) => !l.startsWith('warning'))
        .join('\n'),
    ).toBe('')
    expect(imported.code).toBe(0)
    expect(imported.stderr).toContain(
      `warning (${join(FIXTURES, 'sqlite-to-postgres-dual-write.md')} line 1): Repaired garbled characters`,
    )
    const id = imported.stdout.trim()
    expect(await getPlanForViewer(lead, id)).toMatchObject({
      title: 'Database Migration Strategy',
      ownerName: lead.name,
      status: 'DRAFT',
    })
    const exported = await lockstep(['plan', 'export', id], env)
    expect(exported.code).toBe(0)
    expect(parsePlanDocument(exported.stdout).phases.map((p) => p.name)).toEqual([
      'Preparation (Pre-Migration)',
      'Schema Creation',
      'Data Migration Script',
      'Dual-Write Implementation',
      'Switchover Process',
    ])
  })

  it('refuses a document with a hidden character in a checklist item, naming where, and saves nothing', async () => {
    const lead = await makeUser('LEAD')
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-cli-'))
    const title = `Hidden ${Date.now()}`
    await writeFile(
      join(dir, 'hidden.md'),
      `# ${title}\n\n## Phase 1: Copy\n- [ ] Snapshot\n- [ ] Copy invoice\u202Efdp.exe\n`,
    )
    const refused = await lockstep(['plan', 'import', join(dir, 'hidden.md'), '--as', lead.email], {
      DATABASE_URL: inject('databaseUrl'),
    })
    expect(refused).toMatchObject({ code: 1, stdout: '' })
    expect(refused.stderr).toContain(
      "In the document's phases.0.items.1.text: Remove the invisible character U+202E at position 13",
    )
    expect(await queryDatabase(inject('databaseUrl'), `SELECT 1 FROM "Plan" WHERE "title" = '${title}'`)).toEqual([])
  })

  it('refuses a stakeholder and an unknown plan', async () => {
    const stakeholder = await makeUser('STAKEHOLDER')
    const env = { DATABASE_URL: inject('databaseUrl') }
    const refused = await lockstep(
      ['plan', 'import', join(FIXTURES, 'generic-five-week-plan.md'), '--as', stakeholder.email],
      env,
    )
    expect(refused).toMatchObject({ code: 1, stdout: '' })
    expect(refused.stderr).toContain('permission')
    const missing = await lockstep(['plan', 'export', '00000000-0000-4000-8000-000000000000'], env)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('Plan not found.')
  })
})

describe('lockstep sql', () => {
  it('lints a script and fails on error-level findings only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-sql-'))
    await writeFile(join(dir, 'ok.sql'), 'CREATE TABLE t (id bigint PRIMARY KEY);\n')
    await writeFile(join(dir, 'bad.sql'), 'SELECT FROM WHERE;\n')
    const ok = await lockstep(['sql', 'lint', join(dir, 'ok.sql'), '--json'])
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout)).toMatchObject({
      statements: [
        { kind: 'CreateStmt', lock: 'no table lock (a new table)', transactional: true, inTransaction: true },
      ],
      transactions: { mode: 'lockstep' },
    })
    const bad = await lockstep(['sql', 'lint', join(dir, 'bad.sql')])
    expect(bad).toMatchObject({
      code: 1,
      stderr: `Error: ${join(dir, 'bad.sql')}, line 1: syntax error: syntax error at or near "WHERE"\n`,
    })
  })

  it('applies versioned scripts, applies nothing the second time, and refuses an edited applied script', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-sql-'))
    await writeFile(join(dir, 'V1__create_orders.sql'), 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);\n')
    await writeFile(join(dir, 'V2__index_status.sql'), 'CREATE INDEX CONCURRENTLY orders_status ON orders (status);\n')
    await writeFile(join(dir, 'V10__backfill.sql'), "INSERT INTO orders VALUES (1, 'open');\n")
    await writeFile(join(dir, 'U10__backfill.sql'), 'DELETE FROM orders WHERE id = 1;\n')
    const target = await createFreshDatabase('cli_apply', { migrate: false })
    const first = await lockstep(['sql', 'apply', '--target', target, '--dir', dir, '--json'])
    expect(first.code).toBe(0)
    expect(
      (JSON.parse(first.stdout) as { outcomes: { version: string; status: string }[] }).outcomes.map((o) => [
        o.version,
        o.status,
      ]),
    ).toEqual([
      ['V1', 'APPLIED'],
      ['V2', 'APPLIED'],
      ['V10', 'APPLIED'],
    ])
    const second = await lockstep(['sql', 'apply', '--target', target, '--dir', dir])
    expect(second).toMatchObject({
      code: 0,
      stdout: 'V1: already applied\nV2: already applied\nV10: already applied\n',
    })
    await writeFile(
      join(dir, 'V1__create_orders.sql'),
      'CREATE TABLE orders (id bigint PRIMARY KEY, status text, note text);\n',
    )
    const edited = await lockstep(['sql', 'apply', '--target', target, '--dir', dir])
    expect(edited.code).toBe(3)
    expect(edited.stderr).toContain('V1 (create orders) changed after it ran')
    const wrong = await lockstep(['sql', 'apply', '--target', target.replace(/:[^:@/]+@/, ':wrong@'), '--dir', dir])
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toContain('Password authentication failed for user “postgres”')
    expect(wrong.stderr).not.toMatch(/\n\s+at /)
  })

  it('applies Prisma folders with their own BEGIN/COMMIT as written, lists a folder without SQL as not run (exit 4), and names the file and line of a failure (exit 1)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-prisma-'))
    const folder = async (name: string, file: string, text: string) => {
      await mkdir(join(dir, name))
      await writeFile(join(dir, name, file), text)
    }
    await writeFile(join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n')
    await folder(
      '20240101000000_init',
      'migration.sql',
      `CREATE TYPE "Status" AS ENUM ('draft', 'live');\nCREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "status" "Status" NOT NULL DEFAULT 'draft');\n`,
    )
    await folder('20240102000000_backfill', 'migration.ts', 'export default async function migrate() {}\n')
    await folder(
      '20240103000000_drop_draft',
      'migration.sql',
      `-- AlterEnum\nBEGIN;\nCREATE TYPE "Status_new" AS ENUM ('live');\nALTER TABLE "Post" ALTER COLUMN "status" DROP DEFAULT;\nALTER TABLE "Post" ALTER COLUMN "status" TYPE "Status_new" USING ("status"::text::"Status_new");\nALTER TYPE "Status" RENAME TO "Status_old";\nALTER TYPE "Status_new" RENAME TO "Status";\nDROP TYPE "Status_old";\nCOMMIT;\n`,
    )
    const target = await createFreshDatabase('cli_prisma', { migrate: false })
    const applied = await lockstep(['sql', 'apply', '--target', target, '--dir', dir])
    expect(applied.code).toBe(4)
    expect(applied.stderr).toContain(
      'Not run: 20240102000000_backfill – holds migration.ts and no migration.sql: a data migration in code, which Lockstep does not run',
    )
    expect(applied.stderr).toContain('1 migration was not run (listed above).')
    expect(applied.stdout).toContain(
      "20240103000000_drop_draft: applied (as written, in its own transactions (lines 2–9), without Lockstep's)",
    )
    expect(
      await queryDatabase(target, `SELECT version, transaction_mode FROM lockstep.schema_history ORDER BY version`),
    ).toEqual([
      { version: '20240101000000_init', transaction_mode: 'lockstep' },
      { version: '20240103000000_drop_draft', transaction_mode: 'script' },
    ])

    await folder(
      '20240104000000_broken',
      'migration.sql',
      'ALTER TABLE "Post" ADD COLUMN "title" TEXT;\n\nUPDATE "Post"\n   SET "headline" = "title";\n',
    )
    const failed = await lockstep(['sql', 'apply', '--target', target, '--dir', dir])
    expect(failed.code).toBe(1)
    expect(failed.stdout).toContain(
      '20240104000000_broken: failed – 20240104000000_broken/migration.sql, line 4: column "headline" of relation "Post" does not exist',
    )
  })
})
