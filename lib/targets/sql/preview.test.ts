import { describe, expect, it } from 'vitest'
import { previewScript } from './preview'

// The preview of a script reads it as the engine does before running it: the parser's statements and the
// transaction decision, with each statement's locks and the timeouts that apply.
describe('previewScript', () => {
  it('wraps a plain script in Lockstep’s transaction and names each statement’s lock, strong ones marked', async () => {
    const p = await previewScript(
      'ALTER TABLE orders ADD COLUMN note text;\nUPDATE orders SET note = $$x$$;\n\nSELECT count(*) FROM orders;',
    )
    expect(p.mode).toBe('lockstep')
    expect(p.refusal).toBeNull()
    expect(
      p.statements.map((s) => [s.line, s.kind, s.runsIn, s.lock, s.strongest, s.locks.map((l) => l.strong)]),
    ).toEqual([
      [1, 'AlterTableStmt', 'lockstep', 'ACCESS EXCLUSIVE on orders', 'ACCESS EXCLUSIVE', [true]],
      [2, 'UpdateStmt', 'lockstep', 'ROW EXCLUSIVE on orders', 'ROW EXCLUSIVE', [false]],
      [4, 'SelectStmt', 'lockstep', 'ACCESS SHARE on orders', 'ACCESS SHARE', [false]],
    ])
    expect(p.statements[1]?.destructive).toBe(true)
  })

  it('runs a CONCURRENTLY script statement by statement and says why each statement is outside a transaction', async () => {
    const p = await previewScript(
      '-- no write stops\nCREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\nCREATE INDEX orders_note_idx ON orders (note);',
    )
    expect(p.mode).toBe('none')
    expect(p.why).toMatch(/^IndexStmt \(line 2\) cannot run inside a transaction/)
    expect(p.statements.map((s) => [s.line, s.runsIn, s.lock, s.outside])).toEqual([
      [2, 'none', 'SHARE UPDATE EXCLUSIVE on orders', 'IndexStmt cannot run inside a transaction block'],
      [
        3,
        'none',
        'SHARE on orders',
        'another statement of the script cannot run in a transaction, so each statement commits on its own',
      ],
    ])
    expect(p.statements[1]?.locks).toEqual([{ table: 'orders', mode: 'SHARE', strong: true }])
  })

  it('runs a script with its own BEGIN … COMMIT as written: its block, and what runs outside it', async () => {
    const p = await previewScript('BEGIN;\nDELETE FROM a;\nCOMMIT;\nANALYZE a;')
    expect(p.mode).toBe('script')
    expect(p.blocks).toEqual([{ begin: 0, end: 2, beginLine: 1, endLine: 3 }])
    expect(p.statements.map((s) => [s.transactionControl, s.runsIn])).toEqual([
      ['begin', 'script'],
      [null, 'script'],
      ['end', 'script'],
      [null, 'none'],
    ])
    expect(p.statements[3]?.outside).toBe("outside the script's own BEGIN … COMMIT, so it commits on its own")
  })

  it('takes the step’s timeouts, else the engine’s defaults, with the retries after a lock timeout', async () => {
    expect((await previewScript('SELECT 1;')).timeouts).toEqual({
      lockTimeoutMs: 1000,
      statementTimeoutMs: 300000,
      lockRetries: 3,
      retryBackoffMs: [500, 1000, 2000],
      lockTimeoutSet: false,
      statementTimeoutSet: false,
    })
    expect((await previewScript('SELECT 1;', { lockTimeoutMs: 250 })).timeouts).toMatchObject({
      lockTimeoutMs: 250,
      lockTimeoutSet: true,
      statementTimeoutMs: 300000,
    })
  })

  it('says what refuses the run before anything runs: a syntax error, a BEGIN never committed', async () => {
    expect((await previewScript('SELECT 1;\nSELEC 2;')).refusal).toEqual({
      line: 2,
      message: 'syntax error: syntax error at or near "SELEC"',
    })
    expect((await previewScript('BEGIN;\nDELETE FROM a;')).refusal?.message).toMatch(
      /^BEGIN is never followed by COMMIT/,
    )
    expect((await previewScript('SELECT 1;', {}, 'DROP TABLE a;\nDROP TABLE b;')).rollbackStatements).toBe(2)
  })
})
