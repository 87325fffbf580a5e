import { describe, expect, it } from 'vitest'
import { splitStatements } from './split'
import { describeTransactions, scriptTransactions } from './transactions'
import { PRISMA_ENUM_CHANGE } from './fixtures/prisma-enum-change'

const of = async (sql: string) => scriptTransactions(await splitStatements(sql))

describe('how a script runs with respect to transactions', () => {
  it("runs a plain script in Lockstep's one transaction", async () => {
    const t = await of('CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);')
    expect(t).toEqual({ mode: 'lockstep', blocks: [], inTransaction: [true, true], problem: null })
    expect(describeTransactions(t)).toBe('in one transaction')
  })

  it('runs a script with a concurrent index build statement by statement, outside a transaction', async () => {
    const t = await of('CREATE TABLE a (id int);\nCREATE INDEX CONCURRENTLY a_id ON a (id);')
    expect(t).toMatchObject({ mode: 'none', inTransaction: [false, false], problem: null })
  })

  it('runs a script with its own BEGIN … COMMIT as written, and knows which statements are inside', async () => {
    const t = await of(PRISMA_ENUM_CHANGE)
    expect(t.mode).toBe('script')
    expect(t.blocks).toEqual([{ begin: 0, end: 6, beginLine: 2, endLine: 8 }])
    expect(t.inTransaction).toEqual([true, true, true, true, true, true, true, false])
    expect(t.problem).toBeNull()
    expect(describeTransactions(t)).toBe("as written, in its own transactions (lines 2–8), without Lockstep's")
  })

  it('names the line of a BEGIN never committed, and of a statement that cannot run inside the script’s transaction', async () => {
    expect((await of('SELECT 1;\nBEGIN;\nCREATE TABLE a (id int);')).problem).toEqual({
      line: 2,
      message:
        'BEGIN is never followed by COMMIT or ROLLBACK, so the transaction it starts would be rolled back at the end',
    })
    expect(
      (await of('BEGIN;\nCREATE TABLE a (id int);\nCREATE INDEX CONCURRENTLY i ON a (id);\nCOMMIT;')).problem,
    ).toEqual({ line: 3, message: "IndexStmt cannot run inside the script's own transaction (BEGIN on line 1)" })
    expect(
      (await of('CREATE INDEX CONCURRENTLY i ON a (id);\nBEGIN;\nUPDATE a SET id = 1;\nCOMMIT;')).problem,
    ).toBeNull()
  })
})
