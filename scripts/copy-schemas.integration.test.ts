import { lockstep } from '@/lib/testing/lockstep-cli'
import { describe, expect, it } from 'vitest'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'

// `lockstep copy` and `lockstep validate` on a PostgreSQL source with several schemas. Decided: every schema
// with tables is copied by default; schemas left out because --schema (or --tables) did not choose them are
// named, and the exit status stays 0 – that was asked for; a schema left out for any other reason (the
// source's role may not read it) is listed as not copied, with exit status 4.
const SOURCE = `CREATE SCHEMA a; CREATE SCHEMA b;
  CREATE TABLE public.item (id int PRIMARY KEY, name text); INSERT INTO public.item SELECT i, 'item ' || i FROM generate_series(1, 20) i;
  CREATE TABLE a.item (id int PRIMARY KEY, public_item int REFERENCES public.item); INSERT INTO a.item SELECT i, i % 20 + 1 FROM generate_series(1, 30) i;
  CREATE TABLE b.secret (id int PRIMARY KEY, value text); INSERT INTO b.secret SELECT i, 'secret ' || i FROM generate_series(1, 5) i;`

const tablesOf = (url: string) =>
  queryDatabase<{ name: string }>(
    url,
    `SELECT schemaname || '.' || tablename AS name FROM pg_tables WHERE schemaname IN ('public', 'a', 'b') ORDER BY 1`,
  ).then((rows) => rows.map((r) => r.name))

describe('lockstep copy with several schemas', () => {
  it('copies every schema by default and validates them all; a chosen schema names the others with exit 0; a schema the role may not read exits 4', async () => {
    const source = `${await createFreshDatabase('copy_schemas_src', { migrate: false })}?sslmode=disable`
    await queryDatabase(source, SOURCE)

    const whole = `${await createFreshDatabase('copy_schemas_all', { migrate: false })}?sslmode=disable`
    const all = await lockstep(['copy', '--from', source, '--to', whole])
    expect(all.stderr).not.toContain('Not chosen')
    expect(all.code).toBe(0)
    expect(await tablesOf(whole)).toEqual(['a.item', 'b.secret', 'public.item'])
    expect(all.stdout).toMatch(/^a\.item\s+30\s+30\s+0/m)
    expect(all.stdout).toMatch(/^b\.secret\s+5\s+5\s+0/m)
    const validated = await lockstep(['validate', '--source', source, '--target', whole])
    expect(validated.stdout).toMatch(/^PASSED: 3 tables validated/m)
    expect(validated.code).toBe(0)

    const chosen = `${await createFreshDatabase('copy_schemas_chosen', { migrate: false })}?sslmode=disable`
    const one = await lockstep(['copy', '--from', source, '--to', chosen, '--schema', 'public,a'])
    expect(one.stderr).toContain("warning: Not chosen, so not copied: the source's tables in the schema b (1 table).")
    expect(one.code).toBe(0)
    expect(await tablesOf(chosen)).toEqual(['a.item', 'public.item'])
    // The target lacks the schema b: validating everything fails; validating what was chosen passes.
    const lacking = await lockstep(['validate', '--source', source, '--target', chosen])
    expect(lacking.stdout).toContain('The target has no schema “b”')
    expect(lacking.code).toBe(1)
    expect((await lockstep(['validate', '--source', source, '--target', chosen, '--schema', 'public,a'])).code).toBe(0)

    // A source role that may read public and a, not b.
    const role = `schema_reader_${Date.now().toString(36)}`
    await queryDatabase(
      source,
      `CREATE ROLE ${role} LOGIN PASSWORD 'reader-pass'; GRANT USAGE ON SCHEMA a TO ${role}; GRANT SELECT ON ALL TABLES IN SCHEMA public, a TO ${role}`,
    )
    try {
      const limited = new URL(source)
      limited.username = role
      limited.password = 'reader-pass'
      const partial = `${await createFreshDatabase('copy_schemas_partial', { migrate: false })}?sslmode=disable`
      const unreadable = await lockstep(['copy', '--from', limited.toString(), '--to', partial])
      expect(unreadable.stderr).toContain(
        "not copied: schema b – the source's role may not read the schema b (1 table): GRANT USAGE ON SCHEMA b (and SELECT on its tables) to it",
      )
      expect(unreadable.code).toBe(4)
      expect(await tablesOf(partial)).toEqual(['a.item', 'public.item'])
      const refused = await lockstep(['copy', '--from', limited.toString(), '--to', partial, '--schema', 'b'])
      expect(refused.stderr).toContain(
        "Refused: The source's role may not read the schema “b”: GRANT USAGE ON SCHEMA b",
      )
      expect(refused.code).toBe(3)
    } finally {
      await queryDatabase(source, `DROP OWNED BY ${role}; DROP ROLE ${role}`).catch(() => undefined)
    }
  }, 180_000)
})
