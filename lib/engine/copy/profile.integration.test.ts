import { randomUUID } from 'node:crypto'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { EMPTY_MAPPING } from '@/lib/domain/mapping-lookup'
import { checkMapping, type TCopyMapping } from '@/lib/domain/mapping'
import { applyRule, PROFILE_SAMPLE_ROWS, suggestRules, type RuleSuggestion } from '@/lib/domain/mapping-rules'
import { quoteIdent } from '@/lib/targets/quote'
import { targetDatabases } from '@/lib/testing/target-databases'
import { runValidation } from '@/lib/engine/validate/engine'
import { postgresSide } from '@/lib/engine/validate/postgres-side'
import { sqliteSide } from '@/lib/engine/validate/sqlite-side'
import { runCopy } from './engine'
import type { RejectedRow } from './model'
import { profilePostgres, profileSqlite } from './profile'
import { columnDateEncoding, sqliteSource } from './sqlite-source'

// The rules on real sources: a Prisma-shaped SQLite file and a PostgreSQL schema of the same shape, profiled,
// and every transform and filter the rules write run by the source's own engine, as the copy will run them.

const { fresh, sqliteFile } = targetDatabases('profile')

const USERS = 6
const ids = Array.from({ length: USERS }, () => randomUUID())
const missing = [randomUUID(), randomUUID()]
const CREATED_MS = 1_700_000_000_000

const byRule = (s: RuleSuggestion[]) => Object.fromEntries(s.map((x) => [x.rule, x]))
const entries = (s: RuleSuggestion | undefined) =>
  (s?.mapping ?? EMPTY_MAPPING).tables.flatMap((t) =>
    t.columns.map((c) => `${t.table}.${c.column}: ${[c.rename, c.type, c.transform].filter(Boolean).join(' ')}`),
  )
const merged = (s: RuleSuggestion[]) => s.reduce<TCopyMapping>((m, x) => applyRule(m, x), EMPTY_MAPPING)

/** The SELECT the copy runs for a table of the mapping: its transforms, under its filter. */
const readThrough = (m: TCopyMapping, table: string, from: string) => {
  const t = m.tables.find((x) => x.table === table)
  const columns = t?.columns.filter((c) => c.transform).map((c) => c.transform) ?? []
  return `SELECT 1 AS one${columns.map((c) => `, ${c}`).join('')} FROM ${from}${t?.filter ? ` WHERE ${t.filter}` : ''}`
}

function prismaSqlite(): string {
  return sqliteFile(
    `prisma-${randomUUID()}.db`,
    `CREATE TABLE "User" ("id" TEXT NOT NULL PRIMARY KEY, "email" TEXT NOT NULL, "name" TEXT, "createdAt" BIGINT NOT NULL,
       "updatedAt" DATETIME NOT NULL, "isActive" TEXT NOT NULL DEFAULT '1', "settings" TEXT, "notes" TEXT);
     CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
     CREATE TABLE "Post" ("id" TEXT NOT NULL PRIMARY KEY, "title" TEXT NOT NULL, "authorId" TEXT,
       "publishedAt" INTEGER, "views" INTEGER NOT NULL DEFAULT 0,
       CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id"));`,
    (db) => {
      // What Prisma's SQLite databases end up holding when written with foreign keys off (imports, old versions).
      db.pragma('foreign_keys = OFF')
      const user = db.prepare(`INSERT INTO "User" VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      ids.forEach((id, i) =>
        user.run(
          id,
          ` user${i}@example.com`,
          i % 2 ? `Name ${i}  ` : `Name ${i}`,
          CREATED_MS + i,
          CREATED_MS + i,
          i % 3 ? '1' : '0',
          i ? JSON.stringify({ theme: 'dark', n: i }) : '[]',
          i ? '{not json' : null,
        ),
      )
      const post = db.prepare(`INSERT INTO "Post" VALUES (?, ?, ?, ?, ?)`)
      ids.forEach((id, i) => post.run(randomUUID(), `Post ${i}`, id, 1_700_000_000 + i, i))
      missing.forEach((id) => post.run(randomUUID(), 'Lost', id, null, 0))
      post.run(randomUUID(), 'No author', null, null, 0)
    },
  )
}

describe('profileSqlite and suggestRules on a Prisma-shaped SQLite file', () => {
  it('counts what each rule looks for, orphans exactly', () => {
    const profile = profileSqlite(prismaSqlite())
    const user = profile.tables.find((t) => t.name === 'User')
    const post = profile.tables.find((t) => t.name === 'Post')
    expect(user?.sampled).toBe(USERS)
    const column = (name: string) => user?.columns.find((c) => c.name === name)
    expect(column('id')).toMatchObject({
      kind: 'text',
      isPrimaryKey: true,
      isUnique: true,
      counts: { values: USERS, uuid: USERS },
    })
    expect(column('email')).toMatchObject({ isUnique: true, counts: { padded: USERS } })
    expect(column('createdAt')).toMatchObject({ kind: 'bigint', counts: { epochMillis: USERS, epochSeconds: 0 } })
    expect(column('isActive')?.counts.boolean).toBe(USERS)
    expect(column('settings')?.counts.json).toBe(USERS)
    expect(column('notes')?.counts).toMatchObject({ values: USERS - 1, json: 0 })
    expect(column('name')?.counts.padded).toBe(USERS / 2)
    expect(post?.foreignKeys).toEqual([
      { columns: ['authorId'], parent: 'User', references: ['id'], orphans: missing.length },
    ])
    expect(() => profileSqlite(prismaSqlite(), ['Nope'])).toThrow('The source has no table “Nope”.')
  })

  it('counts values over the first PROFILE_SAMPLE_ROWS rows, and orphans over all of them', () => {
    const path = sqliteFile(
      `big-${randomUUID()}.db`,
      `PRAGMA foreign_keys = OFF;
       CREATE TABLE parent (id INTEGER PRIMARY KEY);
       CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent, label TEXT);
       INSERT INTO parent VALUES (1);
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${PROFILE_SAMPLE_ROWS + 5})
       INSERT INTO child SELECT i, CASE WHEN i > ${PROFILE_SAMPLE_ROWS} THEN 2 ELSE 1 END,
                                   CASE WHEN i > ${PROFILE_SAMPLE_ROWS} THEN ' late' ELSE 'early' END FROM n;`,
    )
    const child = profileSqlite(path, ['child']).tables
    expect(child.map((t) => [t.name, t.sampled])).toEqual([['child', PROFILE_SAMPLE_ROWS]])
    expect(child[0]?.columns.find((c) => c.name === 'label')?.counts).toMatchObject({
      values: PROFILE_SAMPLE_ROWS,
      padded: 0,
    })
    // REFERENCES parent without columns: the parent's primary key.
    expect(child[0]?.foreignKeys).toEqual([
      { columns: ['parent_id'], parent: 'parent', references: ['id'], orphans: 5 },
    ])
  })

  it('drops the orphans of a table that references itself, and says the rows below them stay', () => {
    const path = sqliteFile(
      `self-${randomUUID()}.db`,
      `PRAGMA foreign_keys = OFF;
       CREATE TABLE emp (id INTEGER PRIMARY KEY, boss INTEGER REFERENCES emp (id));
       INSERT INTO emp VALUES (1, NULL), (2, 1), (3, 99), (4, 3);`,
    )
    const [orphans] = suggestRules(profileSqlite(path), 'sqlite')
    expect(orphans?.summary).toBe(
      '1 foreign key: emp.boss → emp.id (1 row). Rows of emp that reference dropped rows of emp are not dropped with them.',
    )
    const db = new Database(path, { readonly: true })
    try {
      const kept = db.prepare(`SELECT id FROM emp WHERE ${orphans?.mapping.tables[0]?.filter}`).pluck().all()
      expect(kept).toEqual([1, 2, 4])
    } finally {
      db.close()
    }
  })

  it('suggests each rule where the data calls for it, and SQLite runs what they write', () => {
    const path = prismaSqlite()
    const suggestions = suggestRules(profileSqlite(path), 'sqlite')
    const rules = byRule(suggestions)
    expect(suggestions.map((s) => s.rule)).toEqual([
      'snake_case',
      'uuid',
      'epoch',
      'boolean',
      'json',
      'trim',
      'orphans',
    ])
    expect(entries(rules.snake_case)).toEqual([
      'Post.authorId: author_id',
      'Post.publishedAt: published_at',
      'User.createdAt: created_at',
      'User.updatedAt: updated_at',
      'User.isActive: is_active',
    ])
    expect(rules.snake_case?.mapping.tables.map((t) => t.rename)).toEqual(['post', 'user'])
    expect(entries(rules.uuid)).toEqual(['Post.id: uuid', 'Post.authorId: uuid', 'User.id: uuid'])
    // updatedAt is a DATETIME already: the copy reads its numbers as epoch by itself.
    expect(entries(rules.epoch)).toEqual(['Post.publishedAt: timestamptz', 'User.createdAt: timestamptz'])
    expect(rules.epoch?.summary).toContain(
      'Post.publishedAt (seconds), User.createdAt (milliseconds). No transform is needed',
    )
    expect(entries(rules.boolean)).toEqual(['User.isActive: boolean'])
    expect(entries(rules.json)).toEqual(['User.settings: jsonb'])
    expect(entries(rules.trim)).toEqual(['User.name: trim("name")'])
    expect(rules.trim?.notes).toEqual([
      'User.email is a key, kept as it is: trimmed, two values could become one, or miss their parent',
    ])
    expect(rules.orphans?.summary).toBe('1 foreign key: Post.authorId → User.id (2 rows)')

    const mapping = merged(suggestions)
    expect(checkMapping(mapping).problems).toEqual([])
    const db = new Database(path, { readonly: true })
    try {
      // The copy decides a timestamptz column's epoch unit over the column: no transform was needed.
      expect(columnDateEncoding(db, 'User', 'createdAt')).toBe('epoch-ms')
      expect(columnDateEncoding(db, 'Post', 'publishedAt')).toBe('epoch-s')
      expect(db.prepare(readThrough(mapping, 'Post', '"Post"')).all()).toHaveLength(USERS + 1)
      const names = db.prepare(readThrough(mapping, 'User', '"User"')).all() as Record<string, unknown>[]
      expect(names.map((r) => r['trim("name")'])).toEqual(ids.map((_, i) => `Name ${i}`))
    } finally {
      db.close()
    }
  })
})

describe('a SQLite copy through every rule the profile suggested', () => {
  it('arrives renamed, retyped, trimmed and without orphans, with nothing rejected and its foreign key made', async () => {
    const path = prismaSqlite()
    const mapping = merged(suggestRules(profileSqlite(path), 'sqlite'))
    const t = await fresh('profile_copy')
    const rejects: RejectedRow[] = []
    const summary = await runCopy({
      copyId: 'rules',
      session: t.client,
      target: t.target,
      source: sqliteSource(path, 'prisma.db', { mapping }),
      mode: 'create',
      onRejects: async (r) => void rejects.push(...r),
    })
    expect(summary.error).toBeUndefined()
    expect(rejects).toEqual([])
    const columns = await t.client.query<{ column: string }>(
      `SELECT table_name || '.' || column_name || ' ' || data_type AS column FROM information_schema.columns
        WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    )
    expect(columns.rows.map((c) => c.column)).toEqual([
      'post.id uuid',
      'post.title text',
      'post.author_id uuid',
      'post.published_at timestamp with time zone',
      'post.views bigint',
      'user.id uuid',
      'user.email text',
      'user.name text',
      'user.created_at timestamp with time zone',
      'user.updated_at timestamp with time zone',
      'user.is_active boolean',
      'user.settings jsonb',
      'user.notes text',
    ])
    const users = await t.client.query(
      `SELECT name, created_at, is_active, settings FROM "user" ORDER BY created_at LIMIT 2`,
    )
    expect(users.rows).toEqual([
      { name: 'Name 0', created_at: new Date(CREATED_MS), is_active: false, settings: [] },
      { name: 'Name 1', created_at: new Date(CREATED_MS + 1), is_active: true, settings: { theme: 'dark', n: 1 } },
    ])
    const posts = await t.client.query(`SELECT count(*)::int AS n FROM post`)
    expect(posts.rows[0].n).toBe(USERS + 1)
    const keys = await t.client.query(
      `SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = 'post'::regclass`,
    )
    expect(keys.rows).toHaveLength(1)

    // Validated through the same mapping, the copy compares exactly: the orphans are filtered, not missing.
    const source = sqliteSide(path, 'prisma.db', { mapping })
    const target = postgresSide(t.target)
    const report = await runValidation(source, target).finally(() => Promise.all([source.close(), target.close()]))
    expect(report.tables.map((r) => [r.table, r.state, r.sourceRows, r.targetRows])).toEqual([
      ['post', 'VALIDATED', USERS + 1, USERS + 1],
      ['user', 'VALIDATED', USERS, USERS],
    ])
    expect(report.integrity).toEqual([])
  })
})

describe('profilePostgres and suggestRules on a PostgreSQL schema', () => {
  it('counts and suggests the same rules, and PostgreSQL runs what they write', async () => {
    const db = await fresh('profile_pg')
    await db.client.query(`
      CREATE SCHEMA app; SET search_path = app;
      CREATE TYPE mood AS ENUM ('true', 'false');
      CREATE TABLE "User" (id text PRIMARY KEY, email text UNIQUE, name varchar(40), "createdAt" bigint, "lastLogin" integer,
        "isActive" text, settings text, broken text, feeling mood, "fullName" text GENERATED ALWAYS AS (name || '!') STORED);
      CREATE TABLE "Post" (id text PRIMARY KEY, "authorId" text, title text);
      CREATE TABLE org_user (org int, slug text, PRIMARY KEY (org, slug));
      CREATE TABLE membership (org int, slug text, role text);`)
    for (const [i, id] of ids.entries())
      await db.client.query(`INSERT INTO app."User" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
        id,
        `u${i}@example.com`,
        ` Name ${i}`,
        CREATED_MS + i,
        1_700_000_000 + i,
        i % 2 ? 'TRUE' : 'false',
        JSON.stringify({ i }),
        i ? '{"a": 1' : '[1]',
        'true',
      ])
    await db.client.query(`
      INSERT INTO app."Post" SELECT gen_random_uuid()::text, id, 'Post' FROM app."User";
      INSERT INTO app."Post" VALUES ('${randomUUID()}', '${missing[0]}', 'Lost'), ('${randomUUID()}', NULL, 'None');
      INSERT INTO app.org_user VALUES (1, 'a'), (1, 'b');
      INSERT INTO app.membership VALUES (1, 'a', 'x'), (1, 'c', 'x'), (2, 'a', 'x'), (NULL, 'zz', 'x');
      ALTER TABLE app."Post" ADD FOREIGN KEY ("authorId") REFERENCES app."User" (id) NOT VALID;
      ALTER TABLE app.membership ADD FOREIGN KEY (org, slug) REFERENCES app.org_user (org, slug) NOT VALID;
      RESET search_path;`)

    const profile = await profilePostgres(db.client, 'app')
    const user = profile.tables.find((t) => t.name === 'User')
    expect(user?.columns.map((c) => c.name)).not.toContain('fullName')
    expect(user?.columns.find((c) => c.name === 'feeling')).toMatchObject({ isText: false, counts: { boolean: 0 } })
    expect(user?.columns.find((c) => c.name === 'broken')?.counts.json).toBe(1)
    expect(profile.tables.find((t) => t.name === 'membership')?.foreignKeys).toEqual([
      { columns: ['org', 'slug'], parent: 'org_user', references: ['org', 'slug'], orphans: 2 },
    ])
    await expect(profilePostgres(db.client, 'app', ['Nope'])).rejects.toThrow(
      'The source has no table “Nope” in the schema app.',
    )

    const suggestions = suggestRules(profile, 'postgres')
    const rules = byRule(suggestions)
    expect(entries(rules.snake_case)).toEqual([
      'Post.authorId: author_id',
      'User.createdAt: created_at',
      'User.lastLogin: last_login',
      'User.isActive: is_active',
    ])
    expect(entries(rules.uuid)).toEqual(['Post.id: uuid', 'Post.authorId: uuid', 'User.id: uuid'])
    expect(entries(rules.epoch)).toEqual([
      'User.createdAt: timestamptz to_timestamp("createdAt" / 1000.0)',
      'User.lastLogin: timestamptz to_timestamp("lastLogin")',
    ])
    expect(entries(rules.boolean)).toEqual(['User.isActive: boolean'])
    expect(entries(rules.json)).toEqual(['User.settings: jsonb'])
    expect(entries(rules.trim)).toEqual(['User.name: trim("name")'])
    expect(rules.orphans?.summary).toBe(
      '2 foreign keys: Post.authorId → User.id (1 row), membership.org, slug → org_user.org, slug (2 rows)',
    )

    const mapping = merged(suggestions)
    expect(checkMapping(mapping).problems).toEqual([])
    // The copy reads with the copied schema alone on the search path.
    await db.client.query(`SET search_path = app`)
    const count = async (table: string) =>
      (await db.client.query(readThrough(mapping, table, `ONLY app.${quoteIdent(table)}`))).rows.length
    expect(await count('Post')).toBe(USERS + 1)
    expect(await count('membership')).toBe(2)
    const { rows } = await db.client.query(
      `SELECT to_timestamp("createdAt" / 1000.0) AS created, to_timestamp("lastLogin") AS login FROM ONLY app."User" ORDER BY id LIMIT 1`,
    )
    expect((rows[0].created as Date).getUTCFullYear()).toBe(2023)
    expect((rows[0].login as Date).getUTCFullYear()).toBe(2023)
  })
})
