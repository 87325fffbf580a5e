import { describe, expect, it } from 'vitest'
import { checkMapping, type TCopyMapping } from './mapping'
import { EMPTY_MAPPING } from './mapping-lookup'
import {
  applyRule,
  orphanFilter,
  removeRule,
  suggestRules,
  type ColumnCounts,
  type ColumnKind,
  type ProfiledColumn,
  type ProfiledForeignKey,
  type RuleSuggestion,
  type SourceProfile,
} from './mapping-rules'

const counts = (c: Partial<ColumnCounts> = {}): ColumnCounts => ({
  values: 4,
  uuid: 0,
  epochSeconds: 0,
  epochMillis: 0,
  boolean: 0,
  json: 0,
  padded: 0,
  ...c,
})
const text = (name: string, c: Partial<ColumnCounts> = {}, more: Partial<ProfiledColumn> = {}): ProfiledColumn => ({
  name,
  sourceType: 'TEXT',
  kind: 'text',
  isText: true,
  isPrimaryKey: false,
  isUnique: false,
  counts: counts(c),
  ...more,
})
const number = (name: string, c: Partial<ColumnCounts> = {}, kind: ColumnKind = 'bigint'): ProfiledColumn => ({
  ...text(name, c),
  sourceType: 'INTEGER',
  kind,
  isText: false,
})
const fk = (columns: string[], parent: string, references: string[], orphans: number | null): ProfiledForeignKey => ({
  columns,
  parent,
  references,
  orphans,
})

/** A Prisma-shaped source: string UUID ids, epoch milliseconds, '0'/'1' flags, JSON settings, padded names, orphans. */
const PRISMA: SourceProfile = {
  sampleRows: 10_000,
  tables: [
    {
      name: 'User',
      sampled: 4,
      columns: [
        text('id', { uuid: 4 }, { isPrimaryKey: true, isUnique: true }),
        text('name', { padded: 2 }),
        number('createdAt', { epochMillis: 4 }),
        number('lastSeen', { epochSeconds: 4 }, 'double'),
        text('isActive', { boolean: 4 }),
        text('settings', { json: 4, padded: 1 }),
        text('email', { values: 0 }),
      ],
      foreignKeys: [],
    },
    {
      name: 'Post',
      sampled: 5,
      columns: [
        text('id', { values: 5, uuid: 5 }, { isPrimaryKey: true, isUnique: true }),
        text('authorId', { values: 5, uuid: 5 }),
        text('title', { values: 5, padded: 1 }),
      ],
      foreignKeys: [fk(['authorId'], 'User', ['id'], 3)],
    },
  ],
}

const byRule = (s: RuleSuggestion[]) => Object.fromEntries(s.map((x) => [x.rule, x]))
const columnsOf = (m: TCopyMapping) => m.tables.flatMap((t) => t.columns.map((c) => ({ table: t.table, ...c })))

describe('suggestRules', () => {
  const suggestions = suggestRules(PRISMA, 'sqlite')
  const rules = byRule(suggestions)

  it('suggests each rule the data calls for, in the order of the rules, each mapping passing checkMapping', () => {
    expect(suggestions.map((s) => s.rule)).toEqual([
      'snake_case',
      'uuid',
      'epoch',
      'boolean',
      'json',
      'trim',
      'orphans',
    ])
    for (const s of suggestions) expect(checkMapping(s.mapping).problems, s.rule).toEqual([])
  })

  it('renames tables and columns to snake_case, labelled as the rule’s renames', () => {
    expect(rules.snake_case?.mapping.tables).toEqual([
      {
        table: 'User',
        rename: 'user',
        renameRule: 'snake_case',
        columns: [
          { column: 'createdAt', rename: 'created_at', renameRule: 'snake_case' },
          { column: 'lastSeen', rename: 'last_seen', renameRule: 'snake_case' },
          { column: 'isActive', rename: 'is_active', renameRule: 'snake_case' },
        ],
      },
      {
        table: 'Post',
        rename: 'post',
        renameRule: 'snake_case',
        columns: [{ column: 'authorId', rename: 'author_id', renameRule: 'snake_case' }],
      },
    ])
  })

  it('leaves out renames that would give two tables or two columns one name, and says so', () => {
    const [snake] = suggestRules(
      {
        sampleRows: 10_000,
        tables: [
          { name: 'OrderLine', sampled: 0, columns: [text('userId'), text('user_id'), text('Note')], foreignKeys: [] },
          { name: 'order_line', sampled: 0, columns: [], foreignKeys: [] },
        ],
      },
      'sqlite',
    )
    expect(snake?.mapping.tables).toEqual([
      { table: 'OrderLine', columns: [{ column: 'Note', rename: 'note', renameRule: 'snake_case' }] },
    ])
    expect(snake?.notes).toContain(
      'the table OrderLine keeps its name: “order_line” would also be the name of “order_line”',
    )
    expect(snake?.notes).toContain('OrderLine.userId keeps its name: “user_id” would also be the name of “user_id”')
  })

  it('retypes UUID text to uuid on both sides of a foreign key', () => {
    expect(columnsOf(rules.uuid?.mapping ?? EMPTY_MAPPING)).toEqual([
      { table: 'User', column: 'id', type: 'uuid', rule: 'uuid' },
      { table: 'Post', column: 'id', type: 'uuid', rule: 'uuid' },
      { table: 'Post', column: 'authorId', type: 'uuid', rule: 'uuid' },
    ])
    expect(rules.uuid?.summary).toBe('3 columns: User.id, Post.id, Post.authorId')
  })

  it('keeps both sides of a foreign key as they are when only one side holds UUIDs', () => {
    const profile: SourceProfile = {
      ...PRISMA,
      tables: PRISMA.tables.map((t) =>
        t.name === 'Post'
          ? {
              ...t,
              columns: t.columns.map((c) => (c.name === 'authorId' ? text('authorId', { values: 5, uuid: 4 }) : c)),
            }
          : t,
      ),
    }
    const uuid = byRule(suggestRules(profile, 'sqlite')).uuid
    expect(columnsOf(uuid?.mapping ?? EMPTY_MAPPING).map((c) => `${c.table}.${c.column}`)).toEqual(['Post.id'])
    expect(uuid?.summary).toContain('Post.authorId and User.id are kept as they are: a foreign key joins them')
  })

  it('retypes epoch numbers to timestamptz: the type alone for SQLite, to_timestamp() for PostgreSQL', () => {
    expect(columnsOf(rules.epoch?.mapping ?? EMPTY_MAPPING)).toEqual([
      { table: 'User', column: 'createdAt', type: 'timestamptz', rule: 'epoch' },
      { table: 'User', column: 'lastSeen', type: 'timestamptz', rule: 'epoch' },
    ])
    expect(rules.epoch?.summary).toMatch(
      /^2 columns: User.createdAt \(milliseconds\), User.lastSeen \(seconds\)\. No transform is needed/,
    )
    const pg = byRule(suggestRules(PRISMA, 'postgres')).epoch
    expect(columnsOf(pg?.mapping ?? EMPTY_MAPPING)).toEqual([
      {
        table: 'User',
        column: 'createdAt',
        type: 'timestamptz',
        transform: 'to_timestamp("createdAt" / 1000.0)',
        rule: 'epoch',
      },
      { table: 'User', column: 'lastSeen', type: 'timestamptz', transform: 'to_timestamp("lastSeen")', rule: 'epoch' },
    ])
  })

  it('does not call numbers epochs when some are not, nor text columns', () => {
    const profile: SourceProfile = {
      sampleRows: 10_000,
      tables: [
        {
          name: 't',
          sampled: 4,
          columns: [
            number('mixed', { epochSeconds: 2, epochMillis: 2 }),
            text('textual', { epochSeconds: 4 }),
            number('few', { epochSeconds: 3 }),
          ],
          foreignKeys: [],
        },
      ],
    }
    expect(byRule(suggestRules(profile, 'postgres')).epoch).toBeUndefined()
  })

  it('retypes 0/1 text to boolean and JSON text to jsonb, only where every value is one', () => {
    expect(columnsOf(rules.boolean?.mapping ?? EMPTY_MAPPING)).toEqual([
      { table: 'User', column: 'isActive', type: 'boolean', rule: 'boolean' },
    ])
    expect(columnsOf(rules.json?.mapping ?? EMPTY_MAPPING)).toEqual([
      { table: 'User', column: 'settings', type: 'jsonb', rule: 'json' },
    ])
  })

  it('trims padded text that stays text and is no key', () => {
    expect(columnsOf(rules.trim?.mapping ?? EMPTY_MAPPING)).toEqual([
      { table: 'User', column: 'name', transform: 'trim("name")', rule: 'trim' },
      { table: 'Post', column: 'title', transform: 'trim("title")', rule: 'trim' },
    ])
    const keyed = suggestRules(
      {
        sampleRows: 10_000,
        tables: [
          { name: 'c', sampled: 4, columns: [text('code', { padded: 1 }, { isPrimaryKey: true })], foreignKeys: [] },
        ],
      },
      'sqlite',
    )
    expect(keyed).toEqual([])
  })

  it('drops orphaned rows with a filter that keeps rows whose key is unset or has its parent', () => {
    expect(rules.orphans?.mapping.tables).toEqual([
      {
        table: 'Post',
        filter: '"authorId" IS NULL OR EXISTS (SELECT 1 FROM "User" AS "p" WHERE "p"."id" = "Post"."authorId")',
        filterRule: 'orphans',
        columns: [],
      },
    ])
    expect(rules.orphans?.summary).toBe('1 foreign key: Post.authorId → User.id (3 rows)')
  })

  it('writes multi-column and self-referencing keys, and a parent in another schema, with every name quoted', () => {
    expect(orphanFilter('p', { ...fk(['a', 'b"c'], 'p', ['x', 'y'], 1), parentSchema: 'other' })).toBe(
      '"a" IS NULL OR "b""c" IS NULL OR EXISTS (SELECT 1 FROM "other"."p" AS "p2" WHERE "p2"."x" = "p"."a" AND "p2"."y" = "p"."b""c")',
    )
    const [orphans] = suggestRules(
      {
        sampleRows: 10_000,
        tables: [
          {
            name: 'emp',
            sampled: 3,
            columns: [],
            foreignKeys: [
              fk(['boss'], 'emp', ['id'], 2),
              fk(['dept'], 'dept', ['id'], 1),
              { ...fk(['x'], 'gone', [], null), note: 'the table it references does not exist in the source' },
            ],
          },
        ],
      },
      'postgres',
    )
    expect(orphans?.mapping.tables[0]?.filter).toBe(
      '("boss" IS NULL OR EXISTS (SELECT 1 FROM "emp" AS "p" WHERE "p"."id" = "emp"."boss")) AND ("dept" IS NULL OR EXISTS (SELECT 1 FROM "dept" AS "p" WHERE "p"."id" = "emp"."dept"))',
    )
    expect(checkMapping(orphans?.mapping).problems).toEqual([])
    expect(orphans?.notes).toEqual([
      'emp.x → gone: the table it references does not exist in the source',
      'rows of emp that reference dropped rows of emp are not dropped with them',
    ])
  })

  it('leaves a primary key of epoch-looking numbers alone', () => {
    const profile: SourceProfile = {
      sampleRows: 10_000,
      tables: [
        {
          name: 't',
          sampled: 4,
          columns: [{ ...number('id', { epochSeconds: 4 }), isPrimaryKey: true }],
          foreignKeys: [],
        },
      ],
    }
    expect(suggestRules(profile, 'sqlite')).toEqual([])
  })
})

describe('applyRule and removeRule', () => {
  const rules = byRule(suggestRules(PRISMA, 'postgres'))
  const all = (m: TCopyMapping) => Object.values(rules).reduce((acc, s) => applyRule(acc, s), m)

  it('merges every rule into one mapping that passes checkMapping, a column renamed by one rule and retyped by another', () => {
    const merged = all(EMPTY_MAPPING)
    expect(checkMapping(merged).problems).toEqual([])
    expect(merged.tables.find((t) => t.table === 'User')?.columns.find((c) => c.column === 'createdAt')).toEqual({
      column: 'createdAt',
      rename: 'created_at',
      renameRule: 'snake_case',
      type: 'timestamptz',
      transform: 'to_timestamp("createdAt" / 1000.0)',
      rule: 'epoch',
    })
  })

  it('keeps what a person wrote: a transform, a type, a rename, a filter, a left-out column', () => {
    const hand: TCopyMapping = {
      tables: [
        {
          table: 'User',
          rename: 'accounts',
          columns: [
            { column: 'name', transform: 'upper("name")' },
            { column: 'isActive', type: 'text' },
            { column: 'createdAt', omit: true },
            { column: 'lastSeen', rename: 'is_active' },
          ],
        },
        { table: 'Post', filter: 'published = 1', columns: [] },
      ],
    }
    const merged = all(hand)
    expect(checkMapping(merged).problems).toEqual([])
    const user = merged.tables.find((t) => t.table === 'User')
    expect(user?.rename).toBe('accounts')
    expect(user?.columns.find((c) => c.column === 'name')).toEqual({ column: 'name', transform: 'upper("name")' })
    expect(user?.columns.find((c) => c.column === 'isActive')).toEqual({ column: 'isActive', type: 'text' }) // is_active is taken
    expect(user?.columns.find((c) => c.column === 'createdAt')).toEqual({ column: 'createdAt', omit: true })
    expect(merged.tables.find((t) => t.table === 'Post')?.filter).toBe('published = 1')
  })

  it('applied twice, a rule writes the same mapping; its own unedited entries are refreshed', () => {
    const once = all(EMPTY_MAPPING)
    expect(all(once)).toEqual(once)
  })

  it('removes what a rule wrote and nothing else; an entry edited since stays, without the label', () => {
    let m = all(EMPTY_MAPPING)
    m = {
      tables: m.tables.map((t) =>
        t.table === 'Post'
          ? {
              ...t,
              columns: t.columns.map((c) => (c.column === 'title' ? { ...c, transform: 'lower(trim("title"))' } : c)),
            }
          : t,
      ),
    }
    const withoutTrim = removeRule(m, 'trim')
    expect(columnsOf(withoutTrim).find((c) => c.table === 'User' && c.column === 'name')).toBeUndefined()
    expect(columnsOf(withoutTrim).find((c) => c.column === 'title')).toEqual({
      table: 'Post',
      column: 'title',
      transform: 'lower(trim("title"))',
    })
    const bare = ['snake_case', 'uuid', 'epoch', 'boolean', 'json', 'orphans'].reduce(
      (acc, r) => removeRule(acc, r as RuleSuggestion['rule']),
      withoutTrim,
    )
    expect(bare).toEqual({
      tables: [{ table: 'Post', columns: [{ column: 'title', transform: 'lower(trim("title"))' }] }],
    })
  })

  it('removes the orphan filter unless it was edited', () => {
    const m = applyRule(EMPTY_MAPPING, rules.orphans ?? { rule: 'orphans', mapping: EMPTY_MAPPING })
    expect(removeRule(m, 'orphans')).toEqual(EMPTY_MAPPING)
    const edited = { tables: m.tables.map((t) => ({ ...t, filter: `${t.filter} AND "title" <> ''` })) }
    expect(removeRule(edited, 'orphans').tables[0]?.filter).toContain(`AND "title" <> ''`)
    expect(removeRule(edited, 'orphans').tables[0]?.filterRule).toBeUndefined()
  })
})
