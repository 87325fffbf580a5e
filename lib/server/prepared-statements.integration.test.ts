import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'

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
