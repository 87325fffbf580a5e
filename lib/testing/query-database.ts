import pg from 'pg'

/** Runs `sql` on the database at `url` over a connection of its own, closed again; the rows. */
export async function queryDatabase<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<R>(sql)).rows
  } finally {
    await client.end()
  }
}
