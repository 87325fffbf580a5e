import { describe, expect, it } from 'vitest'
import { HISTORY_TABLE } from '@/lib/targets/sql/history'
import { targetDatabases } from '@/lib/testing/target-databases'
import { schemaSnapshot } from './schema'

const { fresh } = targetDatabases('snapshot')

// Every kind of object the snapshot knows, in a schema of its own and in public.
const SCHEMA = `
CREATE SCHEMA billing;
CREATE TYPE billing.currency AS ENUM ('EUR', 'USD', 'CHF');
CREATE DOMAIN billing.amount AS numeric(12, 2) NOT NULL CHECK (VALUE >= 0);
CREATE TYPE billing.money_pair AS (low billing.amount, high billing.amount);
CREATE TYPE billing.price_range AS RANGE (subtype = numeric);
CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE, name text COLLATE "C");
CREATE TABLE billing.invoices (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  currency billing.currency NOT NULL DEFAULT 'EUR',
  total billing.amount,
  total_cents bigint GENERATED ALWAYS AS ((total * 100)::bigint) STORED,
  issued_on date NOT NULL DEFAULT current_date,
  CONSTRAINT invoices_issued_check CHECK (issued_on > '2000-01-01')
);
CREATE INDEX invoices_customer_idx ON billing.invoices (customer_id) WHERE total > 0;
CREATE TABLE billing.events (at timestamptz NOT NULL, kind text) PARTITION BY RANGE (at);
CREATE TABLE billing.events_2026 PARTITION OF billing.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE VIEW billing.big_invoices AS SELECT id, total FROM billing.invoices WHERE total > 1000;
CREATE MATERIALIZED VIEW billing.totals AS SELECT customer_id, sum(total) AS total FROM billing.invoices GROUP BY customer_id;
CREATE SEQUENCE billing.invoice_numbers AS integer INCREMENT 5 MINVALUE 10 MAXVALUE 100000 CYCLE;
CREATE FUNCTION billing.stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.issued_on := current_date; RETURN NEW; END $$;
CREATE TRIGGER invoices_stamp BEFORE INSERT ON billing.invoices FOR EACH ROW EXECUTE FUNCTION billing.stamp();
CREATE PROCEDURE billing.close_month(month date) LANGUAGE sql AS $$ REFRESH MATERIALIZED VIEW billing.totals $$;
CREATE AGGREGATE billing.product(numeric) (SFUNC = numeric_mul, STYPE = numeric, INITCOND = '1');
`

describe('schema snapshots', () => {
  it('gives two databases built by the same script the same snapshot, whatever their OIDs, data, history and search_path', async () => {
    const first = await fresh('snapshot_a')
    const second = await fresh('snapshot_b')
    // The second database takes other OIDs, a dropped column, used sequences and Lockstep's history table.
    await second.client.query(
      'CREATE TABLE scratch (id int); DROP TABLE scratch; CREATE TYPE scratch_t AS ENUM (); DROP TYPE scratch_t',
    )
    await first.client.query(SCHEMA)
    await second.client.query(SCHEMA)
    await second.client.query(`ALTER TABLE customers ADD COLUMN gone int; ALTER TABLE customers DROP COLUMN gone`)
    await second.client.query(
      `INSERT INTO customers (email) VALUES ('a@example.com'); SELECT nextval('billing.invoice_numbers')`,
    )
    await second.client.query(
      `CREATE SCHEMA lockstep; CREATE TABLE ${HISTORY_TABLE} (version text PRIMARY KEY, checksum text)`,
    )
    await second.client.query(
      `SET search_path = billing, public; SET TimeZone = 'Asia/Kolkata'; SET DateStyle = 'SQL, DMY'`,
    )

    const a = await schemaSnapshot(first.client)
    const b = await schemaSnapshot(second.client)
    expect(b).toEqual(a)
    expect(Object.keys(a)).toEqual([...Object.keys(a)].sort())
    expect(a).toMatchObject({
      'schema billing': 'CREATE SCHEMA billing',
      'type billing.currency': "ENUM ('EUR', 'USD', 'CHF')",
      'column public.customers.id': 'bigint NOT NULL GENERATED ALWAYS AS IDENTITY',
      'column public.customers.name': 'text COLLATE pg_catalog."C"',
      'column billing.invoices.currency': "billing.currency NOT NULL DEFAULT 'EUR'::billing.currency",
      'column billing.invoices.id': "bigint NOT NULL DEFAULT nextval('billing.invoices_id_seq'::regclass)",
      'constraint billing.invoices.invoices_customer_id_fkey':
        'FOREIGN KEY (customer_id) REFERENCES public.customers(id) ON DELETE CASCADE',
      'constraint public.customers.customers_pkey': 'PRIMARY KEY (id)',
      'index billing.invoices_customer_idx':
        'CREATE INDEX invoices_customer_idx ON billing.invoices USING btree (customer_id) WHERE ((total)::numeric > (0)::numeric)',
      'sequence billing.invoice_numbers': 'integer START 10 INCREMENT 5 MINVALUE 10 MAXVALUE 100000 CACHE 1 CYCLE',
      'sequence billing.invoices_id_seq': expect.stringContaining('OWNED BY billing.invoices.id'),
      'table billing.events': 'partitioned table PARTITION BY RANGE (at)',
      'table billing.events_2026':
        "table, partition of billing.events FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2027-01-01 00:00:00+00')",
      'trigger billing.invoices.invoices_stamp':
        'CREATE TRIGGER invoices_stamp BEFORE INSERT ON billing.invoices FOR EACH ROW EXECUTE FUNCTION billing.stamp()',
      'extension plpgsql': expect.stringMatching(/^version [\d.]+ in schema pg_catalog$/),
    })
    for (const key of [
      'domain billing.amount',
      'type billing.money_pair',
      'type billing.price_range',
      'view billing.big_invoices',
      'materialized view billing.totals',
      'function billing.stamp()',
      'procedure billing.close_month(IN month date)',
      'aggregate billing.product(numeric)',
    ]) {
      expect(a, key).toHaveProperty([key])
    }
    // Owned pieces are reported once, by their owner: the identity sequence, the key's index, row and array
    // types, the range type's constructors.
    expect(
      Object.keys(a).filter((k) =>
        /customers_id_seq|index public\.customers_(pkey|email_key)|type \w+\.(_|customers$|invoices$)|price_multirange|function billing\.price_range|lockstep/.test(
          k,
        ),
      ),
    ).toEqual([])
  })

  it('limits the snapshot to the schemas asked for', async () => {
    const db = await fresh('snapshot_scope')
    await db.client.query(SCHEMA)
    const billing = Object.keys(await schemaSnapshot(db.client, { schemas: ['billing'] }))
    expect(billing.length).toBeGreaterThan(10)
    expect(billing.filter((k) => !/^[a-z ]+ billing\./.test(k) && k !== 'schema billing')).toEqual([])
  })
})
