import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { SqlPreview } from '@/lib/domain/run-preview'
import { lockstep } from '@/lib/testing/lockstep-cli'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'

// `lockstep sql apply --plan-only` on a migration folder shaped like a real Prisma project's: an init, an index
// edited by hand to be built CONCURRENTLY, and Prisma's own BEGIN … COMMIT around an enum change. It connects
// to nothing; then `sql apply` runs the folder for real and the target's history agrees with the plan.

const FOLDER = join(import.meta.dirname, '..', 'lib', 'engine', 'sql', 'fixtures', 'plan-only')
const NOWHERE = 'postgresql://nobody:secret@127.0.0.1:1/nothing'

type PlanJson = {
  planOnly: true
  scripts: { version: string; file: string; preview: SqlPreview }[]
  skipped: unknown[]
}

describe('lockstep sql apply --plan-only', () => {
  it('prints every statement in order with its transaction and lock, without connecting; apply then does the same', async () => {
    const text = await lockstep(['sql', 'apply', '--plan-only', '--dir', FOLDER, '--target', NOWHERE])
    expect(text.code).toBe(0)
    expect(text.stderr).toBe('')
    const lines = text.stdout.split('\n')
    const at = (line: string) => {
      const i = lines.indexOf(line)
      expect(i, line).toBeGreaterThanOrEqual(0)
      return i
    }
    // Lockstep's transaction around the init, nothing around the concurrent index, Prisma's own around the enum change.
    const order = [
      '-- 20240105093000_init/migration.sql – 20240105093000_init (init)',
      "BEGIN; -- Lockstep's transaction",
      "-- line 26: AlterTableStmt – in Lockstep's transaction; locks: SHARE ROW EXCLUSIVE on Order and Customer",
      "COMMIT; -- Lockstep's transaction",
      '-- line 3: IndexStmt – outside a transaction: IndexStmt cannot run inside a transaction block; locks: SHARE UPDATE EXCLUSIVE on Order',
      'CREATE INDEX CONCURRENTLY "Order_status_createdAt_idx" ON "Order"("status", "createdAt");',
      "-- line 8: TransactionStmt – the script's own BEGIN",
      "-- line 11: AlterTableStmt – in the script's own transaction; locks: ACCESS EXCLUSIVE on Order",
      "-- line 16: TransactionStmt – the script's own COMMIT",
      "-- line 19: AlterTableStmt – outside a transaction: outside the script's own BEGIN … COMMIT, so it commits on its own; locks: ACCESS EXCLUSIVE on Customer",
    ].map(at)
    expect(order).toEqual([...order].sort((a, b) => a - b))
    expect(lines.filter((l) => l === "BEGIN; -- Lockstep's transaction")).toHaveLength(1)
    expect(text.stdout).toContain('lock_timeout 1000 ms (default), retried 3 times after 500 ms, 1000 ms, 2000 ms')

    const json = await lockstep(['sql', 'apply', '--plan-only', '--dir', FOLDER, '--lock-timeout', '250', '--json'])
    expect(json.code).toBe(0)
    const plan = JSON.parse(json.stdout) as PlanJson
    expect(plan.scripts.map((s) => [s.version, s.preview.mode, s.preview.statements.length])).toEqual([
      ['20240105093000_init', 'lockstep', 5],
      ['20240212141500_order_status_index', 'none', 1],
      ['20240301080000_status_enum', 'script', 10],
    ])
    expect(plan.scripts[0]?.preview.timeouts).toMatchObject({ lockTimeoutMs: 250, lockTimeoutSet: true })

    // The real apply of the same folder: each script ran the way the plan said, every statement of it.
    const target = await createFreshDatabase('cli_plan_only', { migrate: false })
    const applied = await lockstep(['sql', 'apply', '--target', target, '--dir', FOLDER])
    expect(applied.code).toBe(0)
    expect(
      await queryDatabase(
        target,
        'SELECT version, transaction_mode, statements_total, statements_applied FROM lockstep.schema_history ORDER BY version',
      ),
    ).toEqual(
      plan.scripts.map((s) => ({
        version: s.version,
        transaction_mode: s.preview.mode,
        statements_total: s.preview.statements.length,
        statements_applied: s.preview.statements.length,
      })),
    )
  })

  it('names a script that would be refused (exit 3) and what is not run (exit 4), still without connecting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-plan-only-'))
    await writeFile(join(dir, 'V1__orders.sql'), 'CREATE TABLE orders (id int);\n')
    await writeFile(join(dir, 'R__views.sql'), 'CREATE OR REPLACE VIEW v AS SELECT 1;\n')
    const notRun = await lockstep(['sql', 'apply', '--plan-only', '--dir', dir])
    expect(notRun.code).toBe(4)
    expect(notRun.stderr).toContain('Not run: R__views.sql – a repeatable migration (R__)')
    await writeFile(join(dir, 'V2__open.sql'), 'BEGIN;\nUPDATE orders SET id = 2;\n')
    const refused = await lockstep(['sql', 'apply', '--plan-only', '--dir', dir, '--target', NOWHERE])
    expect(refused.code).toBe(3)
    expect(refused.stdout).toContain('-- REFUSED before anything runs: line 1: BEGIN is never followed by COMMIT')
    expect(refused.stderr).toMatch(/Refused: V2__open\.sql, line 1: BEGIN is never followed by COMMIT/)
    const usage = await lockstep(['sql', 'apply', '--plan-only', '--dir', dir, '--dry-run'])
    expect(usage.code).toBe(2)
  })
})
