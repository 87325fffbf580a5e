import { describe, expect, it } from 'vitest'
import { lintSql, TRANSACTION_RULE } from './lint'
import { PRISMA_ENUM_CHANGE } from './fixtures/prisma-enum-change'

describe('lintSql', () => {
  it('attaches squawk findings to the statements that cause them, with their locks', async () => {
    const report = await lintSql(
      'SELECT 1;\n\nCREATE INDEX orders_status ON orders (status);\nALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);\n',
    )
    expect(report.statements.map((s) => [s.line, s.kind, s.lock])).toEqual([
      [1, 'SelectStmt', 'no table lock'],
      [3, 'IndexStmt', 'SHARE on orders'],
      [4, 'AlterTableStmt', 'ACCESS EXCLUSIVE on orders'],
    ])
    expect(report.statements[0]?.findings).toEqual([])
    expect(report.statements[1]?.findings.map((f) => f.rule)).toContain('require-concurrent-index-creation')
    expect(report.statements[2]?.findings.map((f) => f.rule)).toContain('changing-column-type')
    expect(report.statements.flatMap((s) => s.findings).some((f) => f.rule === 'require-lock-timeout')).toBe(false)
    expect(report.errors + report.warnings).toBeGreaterThanOrEqual(2)
  })

  it('keeps each finding under its own statement when several share a line', async () => {
    const concurrentFirst = await lintSql(
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS a_x ON a (x); CREATE INDEX IF NOT EXISTS a_y ON a (y);\n',
    )
    const rulesOf = (report: typeof concurrentFirst) =>
      report.statements.map((s) => [s.sql, s.findings.map((f) => f.rule).sort()])
    expect(rulesOf(concurrentFirst)).toEqual([
      ['CREATE INDEX CONCURRENTLY IF NOT EXISTS a_x ON a (x)', []],
      ['CREATE INDEX IF NOT EXISTS a_y ON a (y)', ['require-concurrent-index-creation']],
    ])
    const concurrentLast = await lintSql(
      'CREATE INDEX IF NOT EXISTS a_y ON a (y); DROP INDEX IF EXISTS a_z; CREATE INDEX CONCURRENTLY IF NOT EXISTS a_x ON a (x);\n',
    )
    expect(rulesOf(concurrentLast)).toEqual([
      ['CREATE INDEX IF NOT EXISTS a_y ON a (y)', ['require-concurrent-index-creation']],
      ['DROP INDEX IF EXISTS a_z', ['require-concurrent-index-deletion']],
      ['CREATE INDEX CONCURRENTLY IF NOT EXISTS a_x ON a (x)', []],
    ])
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

describe('lint of real migration shapes', () => {
  it('does not make findings about a table the script creates errors: it is new and empty', async () => {
    // A concurrent index elsewhere makes the script run statement by statement, where squawk does not know the table is new.
    const script = `CREATE TABLE "Booking" (id bigint PRIMARY KEY, "userId" bigint);
CREATE INDEX "Booking_userId_idx" ON "Booking" ("userId");
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id");
CREATE INDEX CONCURRENTLY "User_email_idx" ON "User" (email);
CREATE INDEX "User_name_idx" ON "User" (name);`
    const report = await lintSql(script)
    expect(report.transactions.mode).toBe('none')
    const [, index, fk, , existing] = report.statements
    for (const s of [index, fk]) {
      expect(s?.findings.length).toBeGreaterThan(0)
      expect(s?.findings.every((f) => f.level === 'warning')).toBe(true)
      expect(
        s?.findings.some((f) =>
          f.message.includes('Not an error here: Booking is created by this script (line 1), so it is new and empty.'),
        ),
      ).toBe(true)
    }
    expect(existing?.findings.find((f) => f.rule === 'require-concurrent-index-creation')?.level).toBe('error')
    expect(report.errors).toBe(1)
  })

  it('keeps findings errors once the new table has rows, and for CREATE TABLE IF NOT EXISTS (it may be an old table)', async () => {
    const report = await lintSql(`CREATE TABLE a (id bigint);
INSERT INTO a SELECT generate_series(1, 1000000);
CREATE INDEX a_id ON a (id);
CREATE TABLE IF NOT EXISTS b (id bigint);
CREATE INDEX b_id ON b (id);
CREATE INDEX CONCURRENTLY c_id ON c (id);`)
    expect(report.statements[2]?.findings.find((f) => f.rule === 'require-concurrent-index-creation')?.level).toBe(
      'error',
    )
    expect(report.statements[4]?.findings.find((f) => f.rule === 'require-concurrent-index-creation')?.level).toBe(
      'error',
    )
  })

  it('reports no "missing transaction" on a script Lockstep runs in its transaction', async () => {
    const script =
      'ALTER TABLE "User" ADD CONSTRAINT "User_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") NOT VALID;\n'
    const report = await lintSql(script)
    expect(report.transactions).toEqual({ mode: 'lockstep', description: 'in one transaction', blocks: [] })
    expect(report.statements[0]?.inTransaction).toBe(true)
    expect(report.statements.flatMap((s) => s.findings).filter((f) => /missing transaction/i.test(f.message))).toEqual(
      [],
    )
    expect(report.statements[0]?.lock).toBe('SHARE ROW EXCLUSIVE on User and Org')
  })

  it("reports Prisma's own BEGIN … COMMIT around an enum change as the script's transaction", async () => {
    const report = await lintSql(PRISMA_ENUM_CHANGE)
    expect(report.transactions.mode).toBe('script')
    expect(report.transactions.description).toBe("as written, in its own transactions (lines 2–8), without Lockstep's")
    expect(report.statements.map((s) => s.inTransaction)).toEqual([true, true, true, true, true, true, true, false])
    expect(report.statements.find((s) => s.kind === 'AlterEnumStmt')).toBeUndefined()
    expect(report.statements[2]?.findings.map((f) => [f.rule, f.level])).toEqual([['changing-column-type', 'error']])
    expect(report.statements.flatMap((s) => s.findings).some((f) => f.rule === TRANSACTION_RULE)).toBe(false)
  })

  it('makes a BEGIN never committed an error on its line', async () => {
    const report = await lintSql('SELECT 1;\nBEGIN;\nUPDATE "User" SET name = lower(name);\n')
    expect(report.statements[1]?.findings).toContainEqual(
      expect.objectContaining({ rule: TRANSACTION_RULE, level: 'error', line: 2 }),
    )
    expect(report.errors).toBeGreaterThanOrEqual(1)
  })
})
