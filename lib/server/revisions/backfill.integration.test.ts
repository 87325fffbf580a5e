import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { scriptsChecksum } from '@/lib/server/step-content'
import { createFreshDatabase } from '@/lib/testing/fresh-database'

// The migration gives every SQL step that existed before revisions were kept its text as revision 1, with
// the checksum computed in SQL: it must be the one lib/server/step-content.ts computes, or no run of an
// older step would ever match its revision.

const MIGRATION = readFileSync(
  join(import.meta.dirname, '../../../prisma/migrations/20261207051216_script_revisions/migration.sql'),
  'utf8',
)
const BACKFILL = MIGRATION.slice(MIGRATION.indexOf('INSERT INTO "ScriptRevision"'))

describe('the script revisions migration', () => {
  it('gives existing SQL steps revision 1 with the scripts checksum the app computes', async () => {
    const client = new pg.Client({ connectionString: await createFreshDatabase('backfill', { migrate: true }) })
    await client.connect()
    try {
      const steps = [
        { body: 'CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);', rollbackBody: 'DROP TABLE t;' },
        { body: "UPDATE t SET name = 'Zoë – ünïcode ✓';", rollbackBody: null },
      ]
      await client.query(
        `INSERT INTO "User" ("id", "email", "name", "role", "passwordHash", "updatedAt") VALUES ('00000000-0000-7000-8000-000000000001', 'owner@example.com', 'Owner', 'LEAD', 'x', now())`,
      )
      await client.query(
        `INSERT INTO "Plan" ("id", "title", "ownerId", "updatedAt") VALUES ('00000000-0000-7000-8000-000000000002', 'Older plan', '00000000-0000-7000-8000-000000000001', now())`,
      )
      for (const [i, step] of steps.entries())
        await client.query(
          `INSERT INTO "Step" ("id", "planId", "position", "kind", "name", "body", "rollbackBody", "updatedAt") VALUES ($1, '00000000-0000-7000-8000-000000000002', $2, 'SQL', $3, $4, $5, now())`,
          [`00000000-0000-7000-8000-00000000001${i}`, i, `Step ${i}`, step.body, step.rollbackBody],
        )
      await client.query(
        `INSERT INTO "Step" ("id", "planId", "position", "kind", "name", "body", "updatedAt") VALUES ('00000000-0000-7000-8000-000000000020', '00000000-0000-7000-8000-000000000002', 9, 'MANUAL', 'Gate', 'Check it', now())`,
      )
      await client.query(BACKFILL)
      const { rows } = await client.query<{ body: string; rollbackBody: string | null; scriptsChecksum: string }>(
        `SELECT r."body", r."rollbackBody", r."scriptsChecksum", r."number", r."origin" FROM "ScriptRevision" r ORDER BY r."body"`,
      )
      expect(rows.map((r) => ({ ...r }))).toEqual(
        [...steps]
          .sort((a, b) => (a.body < b.body ? -1 : 1))
          .map((s) => ({ ...s, scriptsChecksum: scriptsChecksum(s), number: 1, origin: 'existing' })),
      )
    } finally {
      await client.end()
    }
  })
})
