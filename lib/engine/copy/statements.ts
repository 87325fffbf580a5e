import type pg from 'pg'

// How the copy runs its statements on the target, and names them in messages.

export async function inTransaction<T>(client: pg.Client, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN')
  try {
    const result = await fn()
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  }
}

/** A statement as people read it in a message: its first line, without the search path set before it. */
export const shownStatement = (sql: string) =>
  sql.replace(/^SET LOCAL search_path TO [^;]*; /, '').split('\n')[0] ?? sql

/** A PostgreSQL error with what it adds to the message. */
export type PgError = Error & { code?: string; detail?: string; hint?: string; where?: string }
