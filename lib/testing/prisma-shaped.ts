import type Database from 'better-sqlite3'
import type { TCopyMapping } from '@/lib/domain/mapping'

// A Prisma-shaped SQLite file (camelCase names, UUIDs as text, epoch milliseconds, '0'/'1' flags, JSON text,
// soft-deleted rows, orphans) and a mapping that renames, retypes, transforms and filters it: what the mapping
// tests of the engine and of the command line copy.

export const UUID = [
  '6f1c2b1e-8a4d-4c55-9b1a-0d2f3e4a5b6c',
  'a3b8d1b6-0b3b-4b1a-9c1a-1a2b3c4d5e6f',
  '00000000-0000-4000-8000-000000000003',
]

/** Makes the file with `sqliteFile` (lib/testing/target-databases.ts); `misfit`: with a flag that is not a boolean. */
export function prismaShapedFile(
  sqliteFile: (name: string, sql: string, fill?: (db: Database.Database) => void) => string,
  name = 'app.db',
  { misfit = true } = {},
) {
  return sqliteFile(
    name,
    `CREATE TABLE "User" ("id" TEXT NOT NULL PRIMARY KEY, "email" TEXT NOT NULL, "createdAt" INTEGER NOT NULL, "isActive" TEXT, "settings" TEXT, "displayName" TEXT, "deletedAt" INTEGER, "legacy" TEXT);
     CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
     CREATE INDEX "User_legacy_idx" ON "User"("legacy");
     CREATE TABLE "Post" ("id" INTEGER PRIMARY KEY, "authorId" TEXT REFERENCES "User"("id"), "title" TEXT NOT NULL, "publishedAt" INTEGER);`,
    (db) => {
      // Orphans are what SQLite files without enforced foreign keys hold (the pragma is off by default there).
      db.pragma('foreign_keys = OFF')
      const user = db.prepare('INSERT INTO "User" VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      user.run(UUID[0], 'ada@example.com', 1_700_000_000_123, '1', '{"theme":"dark"}', '  Ada Lovelace ', null, 'x')
      user.run(UUID[1], 'grace@example.com', 1_700_000_100_000, ' TRUE', '[1,2]', 'Grace', null, null)
      user.run(UUID[2], 'gone@example.com', 1_600_000_000_000, '0', null, 'Gone', 1_650_000_000_000, null)
      if (misfit)
        user.run(
          '4d0b0c1e-0000-4000-8000-000000000004',
          'odd@example.com',
          1_700_000_200_000,
          'maybe',
          null,
          'Odd',
          null,
          null,
        )
      const post = db.prepare('INSERT INTO "Post" VALUES (?, ?, ?, ?)')
      post.run(1, UUID[0], 'Notes on the engine', 1_700_000_500)
      post.run(2, UUID[1], 'Compilers', null)
      post.run(3, UUID[2], 'By a deleted user', 1_650_000_000)
      post.run(4, 'f0000000-0000-4000-8000-00000000dead', 'Orphan', 1_700_000_600)
      post.run(5, null, 'Anonymous', 1_700_000_700)
    },
  )
}

export const PRISMA_MAPPING: TCopyMapping = {
  tables: [
    {
      table: 'User',
      rename: 'users',
      filter: '"deletedAt" IS NULL',
      columns: [
        { column: 'id', type: 'uuid', rule: 'uuid' },
        { column: 'createdAt', rename: 'created_at', type: 'timestamptz', rule: 'epoch' },
        { column: 'isActive', rename: 'is_active', type: 'boolean', transform: 'lower(trim("isActive"))' },
        { column: 'settings', type: 'jsonb', rule: 'json' },
        { column: 'displayName', rename: 'display_name', transform: 'trim("displayName")', rule: 'trim' },
        { column: 'deletedAt', rename: 'deleted_at', type: 'timestamptz' },
        { column: 'legacy', omit: true },
      ],
    },
    {
      table: 'Post',
      rename: 'posts',
      filter:
        '"authorId" IS NULL OR EXISTS (SELECT 1 FROM "User" AS p WHERE p."id" = "Post"."authorId" AND p."deletedAt" IS NULL)',
      filterRule: 'orphans',
      columns: [
        { column: 'authorId', rename: 'author_id', type: 'uuid' },
        { column: 'publishedAt', rename: 'published_at', type: 'timestamptz', rule: 'epoch' },
      ],
    },
  ],
}
