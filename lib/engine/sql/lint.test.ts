import { describe, expect, it } from 'vitest'
import { lintSql } from './lint'

describe('lintSql', () => {
  it('attaches squawk findings to the statements that cause them, with their locks', async () => {
    const report = await lintSql('SELECT 1;\n\nCREATE INDEX orders_status ON orders (status);\nALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);\n')
    expect(report.statements.map((s) => [s.line, s.kind, s.lock])).toEqual([
      [1, 'SelectStmt', 'ACCESS SHARE'],
      [3, 'IndexStmt', 'SHARE'],
      [4, 'AlterTableStmt', 'ACCESS EXCLUSIVE'],
    ])
    expect(report.statements[0]?.findings).toEqual([])
    expect(report.statements[1]?.findings.map((f) => f.rule)).toContain('require-concurrent-index-creation')
    expect(report.statements[2]?.findings.map((f) => f.rule)).toContain('changing-column-type')
    expect(report.statements.flatMap((s) => s.findings).some((f) => f.rule === 'require-lock-timeout')).toBe(false)
    expect(report.errors + report.warnings).toBeGreaterThanOrEqual(2)
  })
})

describe('lint severity', () => {
  it('makes findings that can take the application down errors, and style advice warnings', async () => {
    const report = await lintSql('CREATE INDEX orders_status ON orders (status);\nCREATE TABLE t (id int);\n')
    const [index, table] = report.statements
    expect(index?.findings.find((f) => f.rule === 'require-concurrent-index-creation')?.level).toBe('error')
    expect(table?.findings.length).toBeGreaterThan(0)
    expect(table?.findings.every((f) => f.level === 'warning')).toBe(true)
    expect(report.errors).toBe(1)
  })

  it('has no error for a safe concurrent index build', async () => {
    const report = await lintSql('CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status ON orders (status);\n')
    expect(report.errors).toBe(0)
  })
})
