import { describe, expect, it } from 'vitest'
import {
  checkConstraints,
  checkStatements,
  indexStatement,
  namesOf,
  viewStatement,
  type NamedTable,
} from './sqlite-objects'
import { Untranslatable } from './sqlite-sql'

const table = (name: string, columns: string[], sql: string | null = null): NamedTable => ({
  name,
  pgName: name,
  sql,
  columns: columns.map((c) => ({ name: c, pgName: c })),
})

describe('CHECK constraints of a SQLite table', () => {
  it('finds column and table constraints, named or not, and translates them with the exact column spelling', () => {
    const sql = `CREATE TABLE [Product] ([Id] INTEGER PRIMARY KEY, Price REAL CHECK (price >= 0), Status TEXT NOT NULL CHECK(status IN ('a', 'b')), Code TEXT,
      CONSTRAINT code_shape CHECK (Code LIKE 'P%' AND length(code) == 4), CHECK (typeof(Price) = 'real'))`
    expect(checkConstraints(sql).map((c) => c.name)).toEqual([null, null, 'code_shape', null])
    const { optional, notCopied } = checkStatements(table('Product', ['Id', 'Price', 'Status', 'Code'], sql), 'public')
    expect(optional.map((o) => o.sql)).toEqual([
      `ALTER TABLE "public"."Product" ADD CHECK ("Price" >= 0)`,
      `ALTER TABLE "public"."Product" ADD CHECK ("Status" IN ('a', 'b'))`,
      `ALTER TABLE "public"."Product" ADD CONSTRAINT "code_shape" CHECK ("Code" ILIKE 'P%' AND length("Code") = 4)`,
    ])
    expect(notCopied).toEqual([
      {
        table: 'Product',
        object: expect.stringContaining('CHECK'),
        reason: "uses SQLite's typeof(), which PostgreSQL does not have",
      },
    ])
  })
})

describe('views of a SQLite database', () => {
  const tables = [
    table('Order Details', ['OrderID', 'UnitPrice', 'Quantity']),
    table('Orders', ['OrderID', 'CustomerID']),
  ]
  it('quotes the names SQLite matched case-insensitively, keeps aliases, and resolves names in the copy schema', () => {
    const sql = `CREATE VIEW [OrderTotals] AS SELECT o.orderid AS OrderId, SUM(d.UnitPrice * d.quantity) AS Total, IFNULL(o.CustomerID, '?') AS Who
      FROM [Orders] o JOIN [Order Details] d ON d.OrderID == o.OrderID GROUP BY o.OrderID /* OrderTotals(OrderId,Total,Who) */`
    expect(viewStatement(sql, 'OrderTotals', 'app', namesOf(tables))).toBe(
      `SET LOCAL search_path TO "app"; CREATE VIEW "app"."OrderTotals" AS SELECT o."OrderID" AS "OrderID", SUM(d."UnitPrice" * d."Quantity") AS "Total", coalesce(o."CustomerID", '?') AS "Who" FROM "Orders" o JOIN "Order Details" d ON d."OrderID" = o."OrderID" GROUP BY o."OrderID"`,
    )
  })

  it('translates CAST types and refuses SQLite-only functions with the reason', () => {
    expect(
      viewStatement(
        `CREATE VIEW v AS SELECT CAST(UnitPrice AS VARCHAR(10)) AS p FROM "Order Details"`,
        'v',
        'public',
        namesOf(tables),
      ),
    ).toContain(`CAST("UnitPrice" AS varchar(10)) AS "p"`)
    expect(() =>
      viewStatement(`CREATE VIEW v AS SELECT strftime('%Y', OrderDate) FROM Orders`, 'v', 'public', namesOf(tables)),
    ).toThrow(Untranslatable)
    expect(() =>
      viewStatement(`CREATE VIEW v AS SELECT * FROM Orders WHERE CustomerID GLOB 'A*'`, 'v', 'public', namesOf(tables)),
    ).toThrow(/GLOB/)
  })
})

describe('partial and expression indexes', () => {
  it('are written for PostgreSQL, expressions in parentheses of their own', () => {
    const t = table('Users', ['Id', 'Email', 'DeletedAt'])
    expect(
      indexStatement(
        `CREATE UNIQUE INDEX live_email ON Users (lower(email)) WHERE deletedAt IS NULL`,
        'live_email',
        t,
        'public',
      ),
    ).toBe(`CREATE UNIQUE INDEX "live_email" ON "public"."Users" ((lower("Email"))) WHERE "DeletedAt" IS NULL`)
    expect(() =>
      indexStatement(`CREATE INDEX e ON Users (email COLLATE NOCASE, id) WHERE id > 0`, 'e', t, 'public'),
    ).toThrow(/COLLATE/)
  })
})

describe('SQLite schema names in views', () => {
  it('drops SQLite’s main. so that names resolve in the copy schema', () => {
    const tables = [table('Orders', ['OrderID'])]
    expect(viewStatement(`CREATE VIEW v AS SELECT o.OrderID FROM main.Orders AS o`, 'v', 'app', namesOf(tables))).toBe(
      `SET LOCAL search_path TO "app"; CREATE VIEW "app"."v" AS SELECT "o"."OrderID" FROM "Orders" AS "o"`,
    )
  })
})
