import { describe, expect, it } from 'vitest'
import { checkMapping, expressionProblem, mappingOrThrow, mappingTypeOf, mergeMappings, snakeCase } from './mapping'
import { copyConfigOf, storedCopyConfig } from './step-kinds'

describe('checkMapping', () => {
  it('accepts renames, types, transforms, filters and left-out columns, types normalised', () => {
    const { mapping, problems } = checkMapping({
      tables: [
        {
          table: 'User',
          rename: 'users',
          filter: 'deletedAt IS NULL',
          columns: [
            { column: 'createdAt', rename: 'created_at', type: 'TimeStampTZ', rule: 'epoch' },
            { column: 'name', transform: "trim(name, ' ;')" },
            { column: 'legacy', omit: true },
          ],
        },
      ],
    })
    expect(problems).toEqual([])
    expect(mapping.tables[0]?.columns[0]?.type).toBe('timestamptz')
  })

  it('names the table and column of every bad rule', () => {
    const { problems } = checkMapping({
      tables: [
        { table: 'a', columns: [{ column: 'x', type: 'timestmp' }] },
        { table: 'b', filter: 'x = 1; DROP TABLE b', columns: [] },
      ],
    })
    expect(problems).toEqual([
      { path: 'a.x', message: expect.stringContaining('“timestmp” is not a type a mapping can set') },
      { path: 'b', message: expect.stringContaining('contains “;”') },
    ])
  })

  it('refuses two columns or tables ending under one name, and a left-out column that is also transformed', () => {
    const { problems } = checkMapping({
      tables: [
        {
          table: 'a',
          rename: 'c',
          columns: [{ column: 'x', rename: 'y' }, { column: 'y' }, { column: 'z', omit: true, transform: 'z' }],
        },
        { table: 'b', rename: 'c' },
      ],
    })
    expect(problems.map((p) => p.path)).toEqual(['a.y', 'a.z', 'b'])
  })

  it('refuses unknown keys instead of ignoring them', () => {
    expect(checkMapping({ tables: [{ table: 'a', columns: [{ column: 'x', cast: 'uuid' }] }] }).problems[0]?.path).toBe(
      'a.x',
    )
    expect(() => mappingOrThrow({ tables: [{ table: 'a', fitler: 'x' }] })).toThrow(/mapping cannot be used/)
  })
})

describe('expressionProblem', () => {
  it('reads quotes, comments and parentheses', () => {
    expect(expressionProblem("replace(name, ';', ',')")).toBeNull()
    expect(expressionProblem("\"semi;colon\" || 'it''s'")).toBeNull()
    expect(expressionProblem('a /* ; */ + 1')).toBeNull()
    expect(expressionProblem('lower(x')).toMatch(/parenthesis open/)
    expect(expressionProblem('x) OR (1=1')).toMatch(/did not open/)
    expect(expressionProblem("'open")).toMatch(/unclosed string/)
    expect(expressionProblem('x -- rest')).toMatch(/comment/)
  })
})

describe('names and types', () => {
  it('turns names to snake_case', () => {
    expect(['userId', 'OrderLines', 'HTTPStatus', 'Sales Total', 'already_snake', 'createdAt2'].map(snakeCase)).toEqual(
      ['user_id', 'order_lines', 'http_status', 'sales_total', 'already_snake', 'created_at2'],
    )
  })
  it('knows the types a mapping can set', () => {
    expect(mappingTypeOf(' Numeric( 10 ,2 ) ')).toBe('numeric(10, 2)')
    expect(mappingTypeOf('varchar(20)')).toBe('varchar(20)')
    expect(mappingTypeOf('my_enum')).toBeNull()
  })
})

describe('mappings in a copy step', () => {
  it('are stored only when not empty, so a step saved before mappings keeps its checksum', () => {
    const before = { tables: [], mode: 'create', jobs: 2, chunkRows: 250000, maxRejectedRows: 0, reload: false }
    expect(storedCopyConfig(copyConfigOf(before))).toEqual(before)
    const mapping = { tables: [{ table: 'a', rename: 'b', columns: [] }] }
    expect(storedCopyConfig(copyConfigOf({ ...before, mapping }))).toEqual({ ...before, mapping })
  })
  it('merge for a validation, and a table mapped two ways is named', () => {
    const one = { tables: [{ table: 'a', rename: 'b', columns: [] }] }
    const two = { tables: [{ table: 'a', rename: 'c', columns: [] }] }
    expect(
      mergeMappings([
        { label: 'step 1', mapping: one },
        { label: 'step 2', mapping: one },
      ]).problems,
    ).toEqual([])
    expect(
      mergeMappings([
        { label: 'step 1', mapping: one },
        { label: 'step 2', mapping: two },
      ]).problems,
    ).toEqual([{ path: 'a', message: 'is mapped differently by step 1 and step 2' }])
  })
})
