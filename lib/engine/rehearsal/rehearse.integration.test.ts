import { describe, expect, it } from 'vitest'
import { HISTORY_TABLE, rehearsalChecksum } from '@/lib/targets/sql/history'
import { targetDatabases, type TestDatabase } from '@/lib/testing/target-databases'
import { rehearse } from './rehearse'
import type { RehearsalStep } from '@/lib/domain/rehearsal'
import { schemaSnapshot } from './schema'

const { fresh } = targetDatabases('rehearsal')

// The target before the phase: customers already exist, with a row the phase must not lose.
async function stagingTarget(): Promise<TestDatabase> {
  const db = await fresh('rehearsal')
  await db.client
    .query(`CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);
    INSERT INTO customers (email) VALUES ('ada@example.com')`)
  return db
}

const ORDERS: RehearsalStep = {
  name: 'Create orders',
  body: `CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
    CREATE TABLE orders (
      id bigserial PRIMARY KEY,
      customer_id bigint NOT NULL REFERENCES customers (id),
      status order_status NOT NULL DEFAULT 'new',
      total numeric(12, 2) NOT NULL CONSTRAINT orders_total_check CHECK (total >= 0),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX orders_status_idx ON orders (status);`,
  rollbackBody: 'DROP TABLE orders;\nDROP TYPE order_status;',
}

const INDEX_BODY = 'CREATE INDEX IF NOT EXISTS customers_email_lower_idx ON customers (lower(email))'
const TOUCH: RehearsalStep = {
  name: 'Open orders view and touch trigger',
  body: `${INDEX_BODY};
    CREATE VIEW open_orders AS SELECT id, customer_id, total FROM orders WHERE status <> 'shipped';
    CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
    CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch_updated_at();`,
  rollbackBody:
    'DROP TRIGGER orders_touch ON orders;\nDROP FUNCTION touch_updated_at();\nDROP VIEW open_orders;\nDROP INDEX customers_email_lower_idx;',
}

// Runs outside a transaction, so the rehearsal also goes statement by statement.
const CONCURRENT: RehearsalStep = {
  name: 'Index orders by customer',
  body: 'CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);',
  rollbackBody: 'DROP INDEX CONCURRENTLY orders_customer_idx;',
}

const hasHistoryTable = async (db: TestDatabase) =>
  (await db.client.query(`SELECT to_regclass('${HISTORY_TABLE}') IS NOT NULL AS found`)).rows[0]?.found as boolean

describe('rollback rehearsals', () => {
  it('finds a correct rollback restoring the schema and the up repeating, and records no history', async () => {
    const db = await stagingTarget()
    const steps = [ORDERS, TOUCH, CONCURRENT]
    const lines: string[] = []
    const result = await rehearse({ target: db.target, steps, log: (line) => lines.push(line) })
    expect(result).toMatchObject({
      outcome: 'IDENTICAL',
      rollback: { identical: true, differences: [] },
      repeat: { identical: true, differences: [] },
      stepsRun: 9,
    })
    expect(result.error).toBeUndefined()
    expect(result.checksum).toBe(rehearsalChecksum(steps))
    expect(result.checksum).not.toBe(
      rehearsalChecksum([ORDERS, { ...TOUCH, rollbackBody: `${TOUCH.rollbackBody}\n` }, CONCURRENT]),
    )
    expect(lines.some((l) => l.startsWith('rollback: ') && l.includes('“Open orders view and touch trigger”'))).toBe(
      true,
    )
    // The snapshots saw every object the phase makes, so "identical" was not for want of looking.
    const after = await schemaSnapshot(db.client)
    for (const key of [
      'type public.order_status',
      'table public.orders',
      'column public.orders.status',
      'constraint public.orders.orders_customer_id_fkey',
      'constraint public.orders.orders_total_check',
      'index public.orders_status_idx',
      'index public.orders_customer_idx',
      'index public.customers_email_lower_idx',
      'sequence public.orders_id_seq',
      'view public.open_orders',
      'function public.touch_updated_at()',
      'trigger public.orders.orders_touch',
    ]) {
      expect(after, key).toHaveProperty([key])
    }
    expect(await hasHistoryTable(db)).toBe(false)
    expect((await db.client.query('SELECT email FROM customers')).rows).toEqual([{ email: 'ada@example.com' }])
  })

  it('names exactly the index a rollback forgets to drop', async () => {
    const db = await stagingTarget()
    const forgetful = {
      ...TOUCH,
      rollbackBody: 'DROP TRIGGER orders_touch ON orders;\nDROP FUNCTION touch_updated_at();\nDROP VIEW open_orders;',
    }
    const result = await rehearse({ target: db.target, steps: [ORDERS, forgetful] })
    expect(result.outcome).toBe('DIFFERENT')
    expect(result.rollback).toEqual({
      identical: false,
      differences: [
        {
          key: 'index public.customers_email_lower_idx',
          kind: 'extra',
          before: null,
          after: 'CREATE INDEX customers_email_lower_idx ON public.customers USING btree (lower(email))',
        },
      ],
    })
    expect(result.repeat).toEqual({ identical: true, differences: [] })
  })

  it('names exactly the column a rollback forgets to drop', async () => {
    const db = await stagingTarget()
    const phone: RehearsalStep = {
      name: 'Add phone',
      body: 'ALTER TABLE customers ADD COLUMN IF NOT EXISTS phone varchar(32);\nCREATE INDEX IF NOT EXISTS customers_phone_idx ON customers (phone);',
      rollbackBody: 'DROP INDEX customers_phone_idx;',
    }
    const result = await rehearse({ target: db.target, steps: [phone] })
    expect(result).toMatchObject({ outcome: 'DIFFERENT', stepsRun: 3, repeat: { identical: true } })
    expect(result.rollback.differences).toEqual([
      { key: 'column public.customers.phone', kind: 'extra', before: null, after: 'character varying(32)' },
    ])
  })

  it('refuses before running anything when a step has no rollback script, or a script does not parse', async () => {
    const db = await stagingTarget()
    const before = await schemaSnapshot(db.client)
    const missing = await rehearse({ target: db.target, steps: [ORDERS, { ...TOUCH, rollbackBody: null }] })
    expect(missing).toMatchObject({ outcome: 'FAILED', stepsRun: 0, rollback: { identical: false, differences: [] } })
    expect(missing.error).toBe(
      '“Open orders view and touch trigger” has no rollback script; a rehearsal needs one for every SQL step.',
    )
    const unparsable = await rehearse({
      target: db.target,
      steps: [ORDERS, { ...TOUCH, rollbackBody: 'DROP VIEW open_orders;\nDROP INDX customers_email_lower_idx;' }],
    })
    expect(unparsable).toMatchObject({ outcome: 'FAILED', stepsRun: 0 })
    expect(unparsable.error).toMatch(
      /^The rollback script of “Open orders view and touch trigger” cannot be parsed: Syntax error on line 2/,
    )
    expect(await schemaSnapshot(db.client)).toEqual(before)
    expect(await hasHistoryTable(db)).toBe(false)
  })

  it('fails naming the step and the phase when a rollback statement fails', async () => {
    const db = await stagingTarget()
    const broken = { ...TOUCH, rollbackBody: 'DROP TRIGGER orders_touch ON orders;\nDROP TABLE order_notes;' }
    const lines: string[] = []
    const result = await rehearse({ target: db.target, steps: [ORDERS, broken], log: (line) => lines.push(line) })
    expect(result).toMatchObject({
      outcome: 'FAILED',
      stepsRun: 2,
      rollback: { identical: false, differences: [] },
      repeat: { identical: false, differences: [] },
    })
    expect(result.error).toBe(
      '“Open orders view and touch trigger” failed during the rollback: rollback script, line 2: table "order_notes" does not exist',
    )
    expect(lines.at(-1)).toContain('The target is left as the failed step left it.')
    // The failed rollback ran in one transaction: its first statement was undone with it.
    expect(
      (await db.client.query(`SELECT count(*)::int AS n FROM pg_trigger WHERE tgname = 'orders_touch'`)).rows[0]?.n,
    ).toBe(1)
  })

  it('fails naming the step and the phase when the second up fails', async () => {
    const db = await stagingTarget()
    // Without IF NOT EXISTS the up cannot run again once the rollback forgot its index.
    const once = {
      ...TOUCH,
      body: TOUCH.body.replace('IF NOT EXISTS ', ''),
      rollbackBody: 'DROP TRIGGER orders_touch ON orders;\nDROP FUNCTION touch_updated_at();\nDROP VIEW open_orders;',
    }
    const result = await rehearse({ target: db.target, steps: [ORDERS, once] })
    expect(result).toMatchObject({ outcome: 'FAILED', stepsRun: 5, repeat: { identical: false, differences: [] } })
    expect(result.error).toBe(
      '“Open orders view and touch trigger” failed during the up again: line 1: relation "customers_email_lower_idx" already exists',
    )
    expect(result.rollback.differences.map((d) => `${d.kind} ${d.key}`)).toEqual([
      'extra index public.customers_email_lower_idx',
    ])
  })
})
