import { describe, expect, it, vi } from 'vitest'
import { db } from '@/lib/db'

// As the web server runs (scripts/web.ts turns them on there), before lib/db makes its client.
vi.hoisted(() => {
  process.env.DATABASE_PREPARED_STATEMENTS = 'true'
})

describe('the database client', () => {
  it('prepares its queries once per connection, under their names, and reuses them', async () => {
    const prepared = await db.$transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.user.findFirst({ where: { email: `nobody-${i}@example.com` } })
      return tx.$queryRaw<{ name: string; statement: string }[]>`
        SELECT name, statement FROM pg_prepared_statements WHERE statement LIKE '%FROM "public"."User"%'`
    })
    // One statement for the three lookups (their values differ, their text does not).
    const lookups = prepared.filter((p) => p.statement.includes('"email" = $1'))
    expect(lookups).toHaveLength(1)
    expect(lookups[0]?.name).toMatch(/^lockstep_/)
  })
})
