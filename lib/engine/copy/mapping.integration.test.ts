import { describe, expect, it } from 'vitest'
import type { TCopyMapping } from '@/lib/domain/mapping'
import { targetDatabases } from '@/lib/testing/target-databases'
import { PRISMA_MAPPING, prismaShapedFile as shapedFile, UUID } from '@/lib/testing/prisma-shaped'
import { runCopy } from './engine'
import type { RejectedRow } from './model'
import { sqliteSource } from './sqlite-source'
import { runValidation } from '@/lib/engine/validate/engine'
import { postgresSide } from '@/lib/engine/validate/postgres-side'
import { sqliteSide } from '@/lib/engine/validate/sqlite-side'

// A copy through a mapping, against a real PostgreSQL: a Prisma-shaped SQLite file (camelCase names, UUIDs
// as text, epoch numbers, '0'/'1' flags, JSON text, soft-deleted rows, orphans) renamed, retyped, transformed
// and filtered on its way – every rule kind, and a transform whose values do not fit, rejected and named.

const { fresh, sqliteFile } = targetDatabases('mapping')

const prismaShapedFile = (name?: string, options?: { misfit?: boolean }) => shapedFile(sqliteFile, name, options)

describe('a copy through a mapping (SQLite → PostgreSQL)', () => {
  it('renames, retypes, transforms, filters and leaves out; a misfit from a transform is a rejected row naming it', async () => {
    const t = await fresh('mapping_sqlite')
    const rejects: RejectedRow[] = []
    const summary = await runCopy({
      copyId: 'mapped',
      session: t.client,
      target: t.target,
      source: sqliteSource(prismaShapedFile(), 'app.db', { mapping: PRISMA_MAPPING }),
      mode: 'create',
      maxRejectedRows: 10,
      onRejects: async (r) => void rejects.push(...r),
    })
    expect(summary.error).toBeUndefined()
    expect(summary.status).toBe('SUCCEEDED')
    expect(summary.warnings.filter((w) => /longer than/.test(w))).toEqual([])

    const columns = await t.client.query<{ table: string; column: string; type: string }>(
      `SELECT table_name AS table, column_name AS column, data_type AS type FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name IN ('users', 'posts', 'User', 'Post') ORDER BY table_name, ordinal_position`,
    )
    expect(columns.rows.map((c) => `${c.table}.${c.column} ${c.type}`)).toEqual([
      'posts.id bigint',
      'posts.author_id uuid',
      'posts.title text',
      'posts.published_at timestamp with time zone',
      'users.id uuid',
      'users.email text',
      'users.created_at timestamp with time zone',
      'users.is_active boolean',
      'users.settings jsonb',
      'users.display_name text',
      'users.deleted_at timestamp with time zone',
    ])

    const users = await t.client.query(
      `SELECT id::text, email, created_at AT TIME ZONE 'UTC' AS created, is_active, settings, display_name FROM users ORDER BY email`,
    )
    expect(users.rows).toEqual([
      {
        id: UUID[0],
        email: 'ada@example.com',
        created: new Date('2023-11-14T22:13:20.123Z'),
        is_active: true,
        settings: { theme: 'dark' },
        display_name: 'Ada Lovelace',
      },
      {
        id: UUID[1],
        email: 'grace@example.com',
        created: new Date('2023-11-14T22:15:00Z'),
        is_active: true,
        settings: [1, 2],
        display_name: 'Grace',
      },
    ])
    // The soft-deleted user is filtered out, the one whose flag is "maybe" rejected, naming the transform.
    expect(rejects).toEqual([
      {
        table: 'users',
        key: "'4d0b0c1e-0000-4000-8000-000000000004'",
        column: 'isActive',
        reason: expect.stringMatching(
          /“maybe” is not a boolean .* – the value the transform lower\(trim\("isActive"\)\) gave/,
        ),
        value: 'maybe',
      },
    ])
    const posts = await t.client.query(`SELECT id::int, author_id::text, published_at FROM posts ORDER BY id`)
    expect(posts.rows).toEqual([
      { id: 1, author_id: UUID[0], published_at: new Date('2023-11-14T22:21:40Z') },
      { id: 2, author_id: UUID[1], published_at: null },
      { id: 5, author_id: null, published_at: new Date('2023-11-14T22:25:00Z') },
    ])

    // Keys and indexes follow the new names; the index on the left-out column is reported, not attempted.
    const constraints = await t.client.query<{ def: string }>(
      `SELECT conrelid::regclass || ' ' || pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1`,
    )
    expect(constraints.rows.map((r) => r.def)).toEqual([
      'posts FOREIGN KEY (author_id) REFERENCES users(id)',
      'posts PRIMARY KEY (id)',
      'users PRIMARY KEY (id)',
    ])
    const indexes = await t.client.query<{ def: string }>(
      `SELECT indexdef AS def FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%pkey' ORDER BY 1`,
    )
    expect(indexes.rows.map((r) => r.def)).toEqual([
      'CREATE UNIQUE INDEX "User_email_key" ON public.users USING btree (email)',
    ])
    expect(summary.notCopied).toContainEqual({
      table: 'users',
      object: 'index User_legacy_idx',
      reason: 'it uses legacy, which the mapping leaves out',
      asked: true,
    })
    expect(summary.tables.map((x) => [x.table, x.written, x.rejected])).toEqual(
      expect.arrayContaining([
        ['users', 2, 1],
        ['posts', 3, 0],
      ]),
    )
  })

  it('refuses a mapping that names what the source lacks, or an expression SQLite cannot read, before changing anything', async () => {
    const t = await fresh('mapping_refused')
    const path = prismaShapedFile('refused.db')
    const attempt = (mapping: TCopyMapping) =>
      runCopy({
        copyId: 'refused',
        session: t.client,
        target: t.target,
        source: sqliteSource(path, 'app.db', { mapping }),
        mode: 'create',
      })
    await expect(attempt({ tables: [{ table: 'Users', columns: [] }] })).rejects.toThrow(
      'The mapping names “Users”, which the source does not have as a table.',
    )
    await expect(
      attempt({ tables: [{ table: 'User', columns: [{ column: 'mail', rename: 'email_address' }] }] }),
    ).rejects.toThrow('The mapping names the column User.mail, which the source does not have.')
    await expect(
      attempt({ tables: [{ table: 'User', columns: [{ column: 'email', transform: 'lowercase("email")' }] }] }),
    ).rejects.toThrow(
      'The transform of User.email (lowercase("email")) cannot be read by SQLite: no such function: lowercase.',
    )
    await expect(attempt({ tables: [{ table: 'User', columns: [{ column: 'id', omit: true }] }] })).rejects.toThrow(
      /User.id is part of the primary key; it cannot be left out/,
    )
    await expect(attempt({ tables: [{ table: 'User', rename: 'Post', columns: [] }] })).rejects.toThrow(
      /renames User to “Post”, which the source's Post is called already/,
    )
    const tables = await t.client.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public'`)
    expect(tables.rowCount).toBe(0)
  })

  it('validates exactly through the mapping, and finds a row changed in a renamed, transformed column', async () => {
    const t = await fresh('mapping_validate')
    const path = prismaShapedFile('validate.db', { misfit: false })
    const summary = await runCopy({
      copyId: 'mapped',
      session: t.client,
      target: t.target,
      source: sqliteSource(path, 'app.db', { mapping: PRISMA_MAPPING }),
      mode: 'create',
    })
    expect(summary.status).toBe('SUCCEEDED')
    const validate = async () => {
      const source = sqliteSide(path, 'app.db', { mapping: PRISMA_MAPPING })
      const target = postgresSide(t.target)
      try {
        return await runValidation(source, target)
      } finally {
        await Promise.all([source.close(), target.close()])
      }
    }
    const clean = await validate()
    expect(clean.tables.map((r) => [r.table, r.state, r.sourceRows, r.targetRows, r.notes])).toEqual([
      ['posts', 'VALIDATED', 3, 3, []],
      ['users', 'VALIDATED', 2, 2, []],
    ])
    expect(clean.integrity).toEqual([])

    // Without the mapping the same target does not compare: the names and values differ on purpose.
    const unmapped = sqliteSide(path, 'app.db')
    const target = postgresSide(t.target)
    const raw = await runValidation(unmapped, target).finally(() => Promise.all([unmapped.close(), target.close()]))
    expect(raw.tables.every((r) => r.state !== 'VALIDATED')).toBe(true)

    await t.client.query(`UPDATE users SET display_name = 'Ada' WHERE email = 'ada@example.com'`)
    const changed = await validate()
    const users = changed.tables.find((r) => r.table === 'users')
    expect(users?.state).toBe('MISMATCHED')
    expect(users?.changed).toBe(1)
    expect(users?.samples).toEqual([
      {
        kind: 'changed',
        key: UUID[0],
        columns: [{ column: 'display_name', source: 'Ada Lovelace', target: 'Ada' }],
      },
    ])
  })
})
