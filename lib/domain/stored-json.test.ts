import { describe, expect, it } from 'vitest'
import { parseLintReport } from './lint-report'
import { parseCopyDetail } from './step-details'
import { StoredDataError } from './stored-json'
import { parseValidationReport } from './validation-report'

const statement = {
  index: 0,
  sql: 'CREATE INDEX i ON t (id)',
  line: 1,
  kind: 'IndexStmt',
  transactional: true,
  lock: 'SHARE on t',
  destructive: false,
  concurrentIndex: null,
  findings: [{ rule: 'require-concurrent-index-creation', level: 'error', message: 'm', help: null, line: 1 }],
}

describe('JSON columns are parsed, not cast', () => {
  it('reads an empty column as nothing', () => {
    expect(parseLintReport(null, 'Index')).toBeNull()
    expect(parseValidationReport(undefined, '0190aaaa-0000-7000-8000-000000000001')).toBeNull()
  })

  it('reads a lint report saved before locks and transactions were recorded', () => {
    const lint = parseLintReport({ statements: [statement], errors: 1, warnings: 0 }, 'Index')
    expect(lint?.errors).toBe(1)
    expect(lint?.transactions).toBeUndefined()
    expect(lint?.statements[0]?.inTransaction).toBeUndefined()
  })

  it('names the record and the field when a value does not fit', () => {
    const read = () => parseLintReport({ statements: [], errors: '0', warnings: 0 }, 'Add index')
    expect(read).toThrow(StoredDataError)
    expect(read).toThrow(/lint report of step “Add index” cannot be read \(errors: /)
    expect(() =>
      parseCopyDetail({ copyId: 'c', source: 's', mode: 'create', tables: [{}] }, 'abcdefgh12345678'),
    ).toThrow(/copy detail of step run 12345678 cannot be read \(tables\.0\.table: /)
  })

  it('keeps what a detail holds and drops what its shape does not name', () => {
    const detail = parseCopyDetail(
      { copyId: 'c', source: 's', mode: 'existing', tables: [], seconds: 2, stray: 1 },
      'x',
    )
    expect(detail).toEqual({ copyId: 'c', source: 's', mode: 'existing', tables: [], seconds: 2 })
  })
})
