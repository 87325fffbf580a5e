import { describe, expect, it } from 'vitest'
import type { TCopyMapping } from '@/lib/domain/mapping'
import { runValidation } from '@/lib/engine/validate/engine'
import { postgresSide } from '@/lib/engine/validate/postgres-side'
import { targetDatabases, type TestDatabase } from '@/lib/testing/target-databases'
import { runCopy } from './engine'
import type { RejectedRow } from './model'
import { postgresSource } from './postgres-source'
import { previewPostgresTable } from './preview'

// A PostgreSQL → PostgreSQL copy through a mapping, against real servers: transforms and filters evaluated by
// the source, values checked against the mapping's types (a misfit is a rejected row naming the transform),
// new names given after keys and indexes exist, and a validation that reads the source through the mapping.

const { fresh } = targetDatabases('pg-mapping')

const ADA = '6f1c2b1e-8a4d-4c55-9b1a-0d2f3e4a5b6c'
const GRACE = 'a3b8d1b6-0b3b-4b1a-9c1a-1a2b3c4d5e6f'

async function legacySource(name: string, { misfit }: { misfit: boolean }): Promise<TestDatabase> {
  const s = await fresh(name)
  await s.client.query(`
    CREATE TABLE "User" (id text PRIMARY KEY, "createdAt" bigint NOT NULL, "isActive" text, settings text, "displayName" text,
                         "deletedAt" bigint, legacy text CONSTRAINT legacy_not_bad CHECK (legacy <> 'bad'));
    CREATE INDEX user_legacy ON "User" (legacy);
    CREATE INDEX user_display_name ON "User" ("displayName");
    CREATE TABLE "Post" (id serial PRIMARY KEY, "authorId" text REFERENCES "User" (id), title text NOT NULL, "publishedAt" bigint);
    INSERT INTO "User" VALUES ('${ADA}', 1700000000123, '1', '{"theme": "dark"}', '  Ada Lovelace ', NULL, 'x'),
                              ('${GRACE}', 1700000100000, ' TRUE', '[1, 2]', 'Grace', NULL, NULL),
                              ('00000000-0000-4000-8000-000000000003', 1600000000000, '0', NULL, 'Gone', 1650000000000, NULL);
    INSERT INTO "Post" ("authorId", title, "publishedAt") VALUES ('${ADA}', 'Notes', 1700000500), ('${GRACE}', 'Compilers', NULL),
                              ('00000000-0000-4000-8000-000000000003', 'By a deleted user', 1650000000), (NULL, 'Anonymous', 1700000700);`)
  if (misfit)
    await s.client.query(
      `INSERT INTO "User" VALUES ('4d0b0c1e-0000-4000-8000-000000000004', 1700000200000, 'maybe', NULL, 'Odd', NULL, NULL)`,
    )
  return s
}

const MAPPING: TCopyMapping = {
  tables: [
    {
      table: 'User',
      rename: 'users',
      filter: '"deletedAt" IS NULL',
      columns: [
        { column: 'id', type: 'uuid' },
        {
          column: 'createdAt',
          rename: 'created_at',
          type: 'timestamptz',
          transform: 'to_timestamp("createdAt" / 1000.0)',
        },
        { column: 'isActive', rename: 'is_active', type: 'boolean', transform: 'lower(trim("isActive"))' },
        { column: 'settings', type: 'jsonb' },
        { column: 'displayName', rename: 'display_name', transform: 'trim("displayName")' },
        { column: 'deletedAt', rename: 'deleted_at' },
        { column: 'legacy', omit: true },
      ],
    },
    {
      table: 'Post',
      rename: 'posts',
      filter:
        '"authorId" IS NULL OR EXISTS (SELECT 1 FROM "User" AS p WHERE p.id = "Post"."authorId" AND p."deletedAt" IS NULL)',
      columns: [
        { column: 'authorId', rename: 'author_id', type: 'uuid' },
        {
          column: 'publishedAt',
          rename: 'published_at',
          type: 'timestamptz',
          transform: 'to_timestamp("publishedAt")',
        },
      ],
    },
  ],
}

async function copyMapped(source: TestDatabase, target: TestDatabase, mapping = MAPPING) {
  const rejects: RejectedRow[] = []
  const from = postgresSource(source.target, { mapping, mode: 'create' })
  try {
    const summary = await runCopy({
      copyId: 'mapped',
      session: target.client,
      target: target.target,
      source: from,
      mode: 'create',
      maxRejectedRows: 10,
      onRejects: async (r) => void rejects.push(...r),
    })
    return { summary, rejects }
  } finally {
    await from.close()
  }
}

describe('a copy through a mapping (PostgreSQL → PostgreSQL)', () => {
  it('transforms and filters on the source, checks values against the mapping’s types, and renames after the keys', async () => {
    const source = await legacySource('pgmap_src', { misfit: true })
    const target = await fresh('pgmap_dst')
    const { summary, rejects } = await copyMapped(source, target)
    expect(summary.error).toBeUndefined()
    expect(summary.status).toBe('SUCCEEDED')
    expect(rejects).toEqual([
      {
        table: 'users',
        key: '4d0b0c1e-0000-4000-8000-000000000004',
        column: 'isActive',
        reason: expect.stringMatching(
          /“maybe” is not a boolean .* – the value the transform lower\(trim\("isActive"\)\) gave/,
        ),
        value: 'maybe',
      },
    ])
    const columns = await target.client.query<{ c: string }>(
      `SELECT table_name || '.' || column_name || ' ' || data_type AS c FROM information_schema.columns
        WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    )
    expect(columns.rows.map((r) => r.c)).toEqual([
      'posts.id integer',
      'posts.author_id uuid',
      'posts.title text',
      'posts.published_at timestamp with time zone',
      'users.id uuid',
      'users.created_at timestamp with time zone',
      'users.is_active boolean',
      'users.settings jsonb',
      'users.display_name text',
      'users.deleted_at bigint',
    ])
    const users = await target.client.query(
      `SELECT id::text, created_at, is_active, settings, display_name FROM users ORDER BY created_at`,
    )
    expect(users.rows).toEqual([
      {
        id: ADA,
        created_at: new Date('2023-11-14T22:13:20.123Z'),
        is_active: true,
        settings: { theme: 'dark' },
        display_name: 'Ada Lovelace',
      },
      {
        id: GRACE,
        created_at: new Date('2023-11-14T22:15:00Z'),
        is_active: true,
        settings: [1, 2],
        display_name: 'Grace',
      },
    ])
    const posts = await target.client.query(`SELECT title, author_id::text, published_at FROM posts ORDER BY id`)
    expect(posts.rows).toEqual([
      { title: 'Notes', author_id: ADA, published_at: new Date('2023-11-14T22:21:40Z') },
      { title: 'Compilers', author_id: GRACE, published_at: null },
      { title: 'Anonymous', author_id: null, published_at: new Date('2023-11-14T22:25:00Z') },
    ])
    const objects = await target.client.query<{ d: string }>(
      `SELECT conrelid::regclass || ' ' || pg_get_constraintdef(oid) AS d FROM pg_constraint WHERE connamespace = 'public'::regnamespace
       UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%pkey' ORDER BY 1`,
    )
    expect(objects.rows.map((r) => r.d)).toEqual([
      'CREATE INDEX user_display_name ON public.users USING btree (display_name)',
      'posts FOREIGN KEY (author_id) REFERENCES users(id)',
      'posts PRIMARY KEY (id)',
      'users PRIMARY KEY (id)',
    ])
    expect(summary.notCopied).toEqual(
      expect.arrayContaining([
        {
          table: 'users',
          object: 'check legacy_not_bad',
          reason: 'it uses legacy, which the mapping leaves out',
          asked: true,
        },
        {
          table: 'users',
          object: 'index user_legacy',
          reason: 'it uses legacy, which the mapping leaves out',
          asked: true,
        },
      ]),
    )
    // The serial still draws past the copied rows.
    await target.client.query(`INSERT INTO posts (title) VALUES ('next')`)
    expect((await target.client.query(`SELECT max(id)::int AS id FROM posts`)).rows[0]).toEqual({ id: 5 })
  })

  it('validates exactly through the mapping, and finds a changed row in a transformed column', async () => {
    const source = await legacySource('pgmap_vsrc', { misfit: false })
    const target = await fresh('pgmap_vdst')
    expect((await copyMapped(source, target)).summary.status).toBe('SUCCEEDED')
    const validate = async () => {
      const a = postgresSide(source.target, { mapping: MAPPING })
      const b = postgresSide(target.target)
      try {
        return await runValidation(a, b)
      } finally {
        await Promise.all([a.close(), b.close()])
      }
    }
    const clean = await validate()
    expect(clean.tables.map((r) => [r.table, r.state, r.sourceRows, r.targetRows])).toEqual([
      ['posts', 'VALIDATED', 3, 3],
      ['users', 'VALIDATED', 2, 2],
    ])
    expect(clean.integrity).toEqual([])
    await target.client.query(`UPDATE users SET created_at = created_at + interval '1 second' WHERE id = '${GRACE}'`)
    const users = (await validate()).tables.find((r) => r.table === 'users')
    expect(users?.state).toBe('MISMATCHED')
    expect(users?.samples).toEqual([
      {
        kind: 'changed',
        key: GRACE,
        columns: [{ column: 'created_at', source: '2023-11-14 22:15:00+00', target: '2023-11-14 22:15:01+00' }],
      },
    ])
  })

  it('refuses a transform PostgreSQL cannot read, naming it, before anything changes', async () => {
    const source = await legacySource('pgmap_rsrc', { misfit: false })
    const target = await fresh('pgmap_rdst')
    const bad: TCopyMapping = {
      tables: [{ table: 'User', columns: [{ column: 'isActive', transform: 'lowercase("isActive")' }] }],
    }
    await expect(copyMapped(source, target, bad)).rejects.toThrow(
      /^The transform of User.isActive cannot be read by PostgreSQL: function lowercase\(text\) does not exist/,
    )
    expect((await target.client.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public'`)).rowCount).toBe(0)
  })

  it('previews a table as it will arrive: CREATE TABLE, renames, transformed values, a misfit marked', async () => {
    const source = await legacySource('pgmap_preview', { misfit: true })
    const preview = await previewPostgresTable(source.target, 'User', MAPPING)
    expect(preview.targetName).toBe('users')
    expect(preview.createTable).toContain('CREATE TABLE "public"."users"')
    expect(preview.createTable).toContain('"createdAt" timestamptz NOT NULL')
    expect(preview.createTable).toContain('ALTER TABLE "public"."users" RENAME COLUMN "createdAt" TO "created_at"')
    expect([preview.totalRows, preview.keptRows]).toEqual([4, 3])
    expect(preview.columns.map((c) => c.name)).toEqual([
      'id',
      'created_at',
      'is_active',
      'settings',
      'display_name',
      'deleted_at',
    ])
    expect(preview.rows.map((r) => r.cells.map((c) => c.value))).toEqual([
      ['4d0b0c1e-0000-4000-8000-000000000004', '2023-11-14 22:16:40+00', 'maybe', null, 'Odd', null],
      [ADA, '2023-11-14 22:13:20.123+00', 't', '{"theme": "dark"}', 'Ada Lovelace', null],
      [GRACE, '2023-11-14 22:15:00+00', 't', '[1, 2]', 'Grace', null],
    ])
    expect(preview.rows[0]?.cells[2]?.misfit).toMatch(
      /is not a boolean .* – the value the transform lower\(trim\("isActive"\)\) gave/,
    )
  })
})
