import { describe, expect, it } from 'vitest'
import { targetDatabases } from '@/lib/testing/target-databases'
import { runValidation } from './engine'
import { postgresSide } from './postgres-side'
import { sqliteSide } from './sqlite-side'

// A target loaded by another tool: PostgreSQL folds unquoted names to lower case, so a SQLite source's
// "Customer"."FirstName" arrives as customer.firstname. Validation pairs such names ignoring case (saying so),
// names what does not match instead of building a query that cannot run, and never calls a table equal when
// the target lacks one of its columns.

const { fresh, sqliteFile } = targetDatabases('validate-names')

const SOURCE = `CREATE TABLE "Customer" ("CustomerId" INTEGER PRIMARY KEY, "FirstName" TEXT, "Email" TEXT);
  INSERT INTO "Customer" VALUES (1, 'Luís', 'luis@example.com'), (2, 'Leonie', 'leonie@example.com'), (3, 'François', NULL);`

describe('validating a target whose names another tool folded', () => {
  it('pairs tables and columns equal ignoring case, compares them row by row, and says so', async () => {
    const path = sqliteFile('folded.db', SOURCE)
    const to = await fresh('validate_folded')
    // As pgloader or a hand-written script would leave it: unquoted names.
    await to.client.query(`CREATE TABLE customer (customerid bigint PRIMARY KEY, firstname text, email text);
      INSERT INTO customer VALUES (1, 'Luís', 'luis@example.com'), (2, 'Leonie', 'leonie@other.example'), (3, 'François', NULL)`)
    const report = await runValidation(sqliteSide(path), postgresSide(to.target))
    const [table] = report.tables
    expect(table).toMatchObject({
      table: 'Customer',
      state: 'MISMATCHED',
      method: 'key-ranges',
      changed: 1,
      samples: [
        {
          kind: 'changed',
          key: '2',
          columns: [{ column: 'Email', source: 'leonie@example.com', target: 'leonie@other.example' }],
        },
      ],
    })
    expect(table?.notes).toEqual(
      expect.arrayContaining([
        "compared with the target's table “customer” (the same name ignoring case)",
        'columns matched ignoring case: CustomerId ↔ customerid, FirstName ↔ firstname, Email ↔ email',
      ]),
    )
    await to.client.query(`UPDATE customer SET email = 'leonie@example.com' WHERE customerid = 2`)
    expect((await runValidation(sqliteSide(path), postgresSide(to.target))).tables[0]?.state).toBe('VALIDATED')
  })

  it('never calls a table equal when the target lacks a column, and names tables with nothing in common', async () => {
    const path = sqliteFile(
      'lacking.db',
      `${SOURCE}\nCREATE TABLE "Invoice" ("InvoiceId" INTEGER PRIMARY KEY, "Total" NUMERIC); INSERT INTO "Invoice" VALUES (1, 9.99);`,
    )
    const to = await fresh('validate_lacking')
    await to.client.query(`CREATE TABLE "Customer" ("CustomerId" bigint PRIMARY KEY, "FirstName" text);
      INSERT INTO "Customer" VALUES (1, 'Luís'), (2, 'Leonie'), (3, 'François');
      CREATE TABLE "Invoice" (id bigint PRIMARY KEY, amount numeric); INSERT INTO "Invoice" VALUES (1, 9.99)`)
    const report = await runValidation(sqliteSide(path), postgresSide(to.target))
    expect(report.status).toBe('FAILED')
    const [customer, invoice] = report.tables
    expect(customer).toMatchObject({ state: 'MISMATCHED', missing: 0, extra: 0, changed: 0 })
    expect(customer?.notes).toContain('missing on the target: Email – the table cannot be shown equal')
    expect(invoice).toMatchObject({
      state: 'ERROR',
      error:
        "The source's “Invoice” and the target's “Invoice” have no column in common (source: InvoiceId, Total; target: id, amount); nothing could be compared.",
    })
  })

  it('checks the target’s integrity by the source’s constraints through the paired names', async () => {
    const path = sqliteFile(
      'folded-fk.db',
      `${SOURCE}
      CREATE TABLE "Invoice" ("InvoiceId" INTEGER PRIMARY KEY, "CustomerId" INTEGER NOT NULL REFERENCES "Customer" ("CustomerId"));
      INSERT INTO "Invoice" VALUES (10, 1), (11, 2);`,
    )
    const to = await fresh('validate_folded_fk')
    // Loaded without the foreign key, and one invoice's customer changed to one that does not exist.
    await to.client.query(`CREATE TABLE customer (customerid bigint PRIMARY KEY, firstname text, email text);
      INSERT INTO customer VALUES (1, 'Luís', 'luis@example.com'), (2, 'Leonie', 'leonie@example.com'), (3, 'François', NULL);
      CREATE TABLE invoice (invoiceid bigint PRIMARY KEY, customerid bigint); INSERT INTO invoice VALUES (10, 1), (11, 99)`)
    const report = await runValidation(sqliteSide(path), postgresSide(to.target))
    expect(report.integrity).toEqual([
      expect.objectContaining({
        kind: 'orphan',
        table: 'invoice',
        columns: ['customerid'],
        references: { table: 'customer', columns: ['customerid'] },
        origin: 'source',
        count: 1,
      }),
    ])
    expect(report.tables.find((t) => t.table === 'Invoice')).toMatchObject({ state: 'MISMATCHED', changed: 1 })
  })
})
