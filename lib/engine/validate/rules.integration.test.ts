import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { RULE_ROW_CAP, runRules } from './integrity'
import type { CustomRule } from '@/lib/domain/validation-report'

// Custom rules as the validation engine runs them on a target: the target's own catalog decides which
// functions are volatile (its own functions included), nothing is written, and counting stops at a cap.

let client: pg.Client

beforeAll(async () => {
  client = new pg.Client({ connectionString: await createFreshDatabase('rules_target', { migrate: false }) })
  await client.connect()
  await client.query(`
    CREATE TABLE customers (id int PRIMARY KEY, email text);
    INSERT INTO customers SELECT g, 'c' || g || '@example.com' FROM generate_series(1, ${RULE_ROW_CAP + 500}) g;
    CREATE TABLE audit_log (note text);
    -- Declared VOLATILE and writing: only the target's catalog knows it.
    CREATE FUNCTION public.note_it(t text) RETURNS boolean LANGUAGE sql VOLATILE AS $$ INSERT INTO audit_log VALUES (t) RETURNING true $$;
    CREATE FUNCTION public.is_email(t text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT t LIKE '%@%' $$;`)
})

afterAll(async () => {
  await client.end()
})

const rule = (name: string, sql: string): CustomRule => ({ name, sql, severity: 'error', action: 'fail' })

describe('custom rules on a target', () => {
  it('refuse a function the target’s catalog marks volatile, its own included; run immutable ones', async () => {
    const [own, builtin, fine] = await runRules(client, [
      rule('Own volatile', 'SELECT id FROM customers WHERE note_it(email)'),
      rule('Kill sessions', 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity'),
      rule('Emails', 'SELECT id FROM customers WHERE NOT public.is_email(email)'),
    ])
    expect(own).toMatchObject({
      passed: false,
      violations: 0,
      error: expect.stringContaining('the volatile function note_it()'),
    })
    expect(builtin).toMatchObject({ passed: false, error: expect.stringContaining('pg_terminate_backend()') })
    expect(fine).toMatchObject({ passed: true, violations: 0 })
    expect((await client.query('SELECT count(*)::int AS n FROM audit_log')).rows[0]).toEqual({ n: 0 })
  })

  it('count violations up to the cap and say so; keep a few samples', async () => {
    const [all] = await runRules(client, [rule('Every row', 'SELECT id, email FROM customers')])
    expect(all).toMatchObject({ passed: false, violations: RULE_ROW_CAP, capped: true })
    expect(all?.samples).toHaveLength(5)
    const [some] = await runRules(client, [rule('Some rows', 'SELECT id FROM customers WHERE id <= 7')])
    expect(some).toMatchObject({ violations: 7 })
    expect(some?.capped).toBeUndefined()
  })

  it('run read-only: a write hidden where the parser cannot see it still fails', async () => {
    // A view over a volatile function is the catalog's to judge at the view's level; the read-only transaction still refuses the write.
    await client.query(`CREATE VIEW noted AS SELECT note_it('x') AS ok`)
    const [viaView] = await runRules(client, [rule('Through a view', 'SELECT * FROM noted')])
    expect(viaView).toMatchObject({ passed: false, error: expect.stringContaining('read-only transaction') })
    expect((await client.query('SELECT count(*)::int AS n FROM audit_log')).rows[0]).toEqual({ n: 0 })
  })
})
