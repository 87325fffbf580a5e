import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { findPgTool, libpqEnv, runTool } from '@/lib/engine/backup/tools'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { applyScripts, type Script } from './apply'
import { writePrismaChain } from './fixtures/prisma-chain'
import { HISTORY_TABLE } from '@/lib/targets/sql/history'
import { readScriptsDir } from './scripts-dir'

// `lockstep sql apply` on a chain of Prisma migrations gives the schema that running the same files one by
// one with psql gives (pg_dump --schema-only of both, Lockstep's own bookkeeping left out). A real project's
// folder can be tried the same way: LOCKSTEP_MIGRATIONS_DIR=path/to/prisma/migrations npx vitest run <this file>.

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

async function freshTarget(prefix: string) {
  const url = new URL(await createFreshDatabase(prefix, { migrate: false }))
  const target: PostgresTarget = {
    host: url.hostname,
    port: Number(url.port),
    database: url.pathname.slice(1),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    sslMode: 'disable',
  }
  const sql = async (text: string, params: unknown[] = []) => {
    const client = new pg.Client({ ...target, ssl: false })
    await client.connect()
    try {
      return await client.query(text, params)
    } finally {
      await client.end()
    }
  }
  return { target, sql }
}

const tools = async () => {
  const pgDump = await findPgTool('pg_dump', 15)
  return { pgDump: pgDump.path, psql: join(dirname(pgDump.path), 'psql') }
}

/** Each script's file run by psql on its own, stopping at the first error – what a person would do by hand. */
async function psqlOneByOne(target: PostgresTarget, dir: string, scripts: Script[]) {
  const { psql } = await tools()
  for (const script of scripts)
    await runTool(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', join(dir, script.file ?? '')], libpqEnv(target))
}

/** The schema as pg_dump prints it, without Lockstep's bookkeeping and the dump's per-run lines. */
async function schemaOf(target: PostgresTarget): Promise<string> {
  const { pgDump } = await tools()
  const { stdout } = await runTool(
    pgDump,
    ['--schema-only', '--no-owner', '--no-privileges', `--exclude-table=${HISTORY_TABLE}`, '--exclude-schema=lockstep'],
    libpqEnv(target),
  )
  return stdout
    .split('\n')
    .filter((line) => !/^\\(un)?restrict /.test(line) && !/^-- Dumped (from|by)/.test(line))
    .join('\n')
}

async function chain(cycles?: number) {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-prisma-chain-'))
  dirs.push(dir)
  const written = await writePrismaChain(join(dir, 'migrations'), cycles)
  return { ...written, ...(await readScriptsDir(written.dir)) }
}

describe('a chain of Prisma migrations', () => {
  it(
    "applies 150+ migrations with Prisma's own BEGIN/COMMIT enum changes, lists the code-only folders, and ends with psql's schema",
    { timeout: 600_000 },
    async () => {
      const { dir, scripts, skipped, codeFolders } = await chain()
      expect(scripts.length).toBeGreaterThanOrEqual(150)
      expect(skipped.map((s) => s.name)).toEqual(codeFolders)
      expect(skipped.every((s) => s.reason.startsWith('holds migration.ts and no migration.sql'))).toBe(true)

      const lockstep = await freshTarget('chain_lockstep')
      const outcomes = await applyScripts(lockstep.target, scripts, { appliedBy: 'test' })
      expect(outcomes.filter((o) => o.status !== 'APPLIED')).toEqual([])
      const modes = (
        await lockstep.sql(
          `SELECT transaction_mode AS mode, count(*)::int AS n FROM ${HISTORY_TABLE} GROUP BY 1 ORDER BY 1`,
        )
      ).rows
      expect(modes).toEqual([
        { mode: 'lockstep', n: scripts.length - 31 - 4 },
        { mode: 'none', n: 4 },
        { mode: 'script', n: 31 },
      ])

      const byHand = await freshTarget('chain_psql')
      await psqlOneByOne(byHand.target, dir, scripts)
      const schema = await schemaOf(lockstep.target)
      expect(schema).toContain(`CREATE TYPE public."Widget31Status" AS ENUM (\n    'live',\n    'archived'\n);`)
      expect(schema).toBe(await schemaOf(byHand.target))

      // Applying again changes nothing; the application's next insert works (the unowned sequence included).
      expect(
        (await applyScripts(lockstep.target, scripts, { appliedBy: 'test' })).every(
          (o) => o.status === 'ALREADY_APPLIED',
        ),
      ).toBe(true)
      await lockstep.sql(`INSERT INTO "User" ("email", "updatedAt") VALUES ('next@example.test', now())`)
      await lockstep.sql(
        `INSERT INTO "Widget31" ("id", "userId") SELECT 'next', "id" FROM "User" WHERE "email" = 'next@example.test'`,
      )
      expect((await lockstep.sql(`SELECT "status"::text AS status FROM "Widget31" WHERE "id" = 'next'`)).rows).toEqual([
        { status: 'live' },
      ])
    },
  )

  it(
    "resumes a script whose session was killed inside its own transaction at that transaction's BEGIN",
    { timeout: 300_000 },
    async () => {
      const { dir, scripts } = await chain(3)
      const swap = scripts.findIndex((s) => s.version.endsWith('_remove_draft_from_widget_2'))
      const { target, sql } = await freshTarget('chain_killed')
      await applyScripts(target, scripts.slice(0, swap), { appliedBy: 'test' })
      // A reader holds "Widget2", so the swap's first ALTER TABLE waits inside the script's BEGIN … COMMIT when the session is killed.
      const reader = new pg.Client({ ...target, ssl: false })
      await reader.connect()
      await reader.query('BEGIN; LOCK TABLE "Widget2" IN ACCESS SHARE MODE')
      const killer = new pg.Client({ ...target, ssl: false })
      await killer.connect()
      let killed: Promise<unknown> = Promise.resolve()
      try {
        const outcomes = await applyScripts(target, scripts, {
          appliedBy: 'test',
          lockTimeoutMs: 20_000,
          onStatement: (running) => {
            if (running && running.version === scripts[swap]?.version && running.sql.includes('DROP DEFAULT'))
              killed = killer.query('SELECT pg_terminate_backend($1)', [running.backendPid])
          },
        })
        const failed = outcomes.find((o) => o.status === 'FAILED')
        expect(failed?.version).toBe(scripts[swap]?.version)
        expect(failed?.error).toMatch(
          /^The target ended the connection \(.*migration\.sql, line 10: .*\)\. 0 of its 9 statements stay applied; retry the run to go on\.$/,
        )
      } finally {
        await killed
        await reader.query('ROLLBACK')
        await reader.end()
        await killer.end()
      }
      // Nothing of the killed transaction stayed, and the history points at its BEGIN.
      expect((await sql(`SELECT to_regtype('"Widget2Status_new"') AS t`)).rows[0]?.t).toBeNull()
      expect(
        (
          await sql(`SELECT statements_applied, success FROM ${HISTORY_TABLE} WHERE version = $1`, [
            scripts[swap]?.version,
          ])
        ).rows,
      ).toEqual([{ statements_applied: 0, success: false }])

      const resumed = await applyScripts(target, scripts, { appliedBy: 'test' })
      expect(resumed.slice(swap).every((o) => o.status === 'APPLIED')).toBe(true)
      const byHand = await freshTarget('chain_killed_psql')
      await psqlOneByOne(byHand.target, dir, scripts)
      expect(await schemaOf(target)).toBe(await schemaOf(byHand.target))
    },
  )

  it.runIf(!!process.env.LOCKSTEP_MIGRATIONS_DIR)(
    'applies a real migrations folder like psql does (LOCKSTEP_MIGRATIONS_DIR)',
    { timeout: 600_000 },
    async () => {
      const dir = process.env.LOCKSTEP_MIGRATIONS_DIR ?? ''
      const { scripts, skipped } = await readScriptsDir(dir)
      const lockstep = await freshTarget('real_lockstep')
      const outcomes = await applyScripts(lockstep.target, scripts, { appliedBy: 'test' })
      console.log(
        `${scripts.length} scripts, ${skipped.length} not run: ${skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}`,
      )
      console.log(
        `own transactions: ${outcomes.filter((o) => o.transactions?.startsWith('as written')).length}; not applied: ${JSON.stringify(outcomes.filter((o) => o.status !== 'APPLIED'))}`,
      )
      expect(outcomes.filter((o) => o.status !== 'APPLIED')).toEqual([])
      const byHand = await freshTarget('real_psql')
      await psqlOneByOne(byHand.target, dir, scripts)
      expect(await schemaOf(lockstep.target)).toBe(await schemaOf(byHand.target))
    },
  )
})
