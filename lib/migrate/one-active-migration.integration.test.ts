import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { MIGRATIONS_DIR } from './migrations'

// The migration that makes "one active at a time" a unique index first ends the duplicates an installation
// may already hold (the check-then-insert let them in): the one furthest along stays, the others end as a
// person would end them, logged and audited – and the indexes are then created.

const MIGRATION = '20261206155723_one_active_at_a_time'

describe(`migration ${MIGRATION}`, () => {
  it('ends duplicate active runs, requested validations and restores, keeping the one furthest along, then enforces one', async () => {
    const client = new pg.Client({
      connectionString: await createFreshDatabase('one_active_upgrade', { migrate: true }),
    })
    await client.connect()
    try {
      const q = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) =>
        (await client.query<R>(sql, params)).rows
      // As the database was before the migration: the indexes did not exist.
      await q(
        'DROP INDEX "Run_one_active_per_phase_environment"; DROP INDEX "Validation_one_requested_per_plan_environment"; DROP INDEX "Restore_one_active_per_connection"',
      )
      const [user] = await q<{ id: string }>(
        `INSERT INTO "User" ("id", "email", "name", "role", "passwordHash", "updatedAt") VALUES (gen_random_uuid(), 'dba@test', 'DBA', 'DBA', 'x', now()) RETURNING "id"`,
      )
      const [plan] = await q<{ id: string }>(
        `INSERT INTO "Plan" ("id", "title", "ownerId", "updatedAt") VALUES (gen_random_uuid(), 'Plan', $1, now()) RETURNING "id"`,
        [user?.id],
      )
      const [phase] = await q<{ id: string }>(
        `INSERT INTO "Phase" ("id", "planId", "position", "name", "updatedAt") VALUES (gen_random_uuid(), $1, 0, 'Schema', now()) RETURNING "id"`,
        [plan?.id],
      )
      const [environment] = await q<{ id: string }>(
        `INSERT INTO "Environment" ("id", "name", "updatedAt") VALUES (gen_random_uuid(), 'prod', now()) RETURNING "id"`,
      )
      const run = async (status: string, minutesAgo: number) =>
        (
          await q<{ id: string }>(
            `INSERT INTO "Run" ("id", "planId", "phaseId", "environmentId", "status", "requestedById", "createdAt", "updatedAt") VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, now() - make_interval(mins => $6), now()) RETURNING "id"`,
            [plan?.id, phase?.id, environment?.id, status, user?.id, minutesAgo],
          )
        )[0]?.id
      const queuedFirst = await run('QUEUED', 30)
      const running = await run('RUNNING', 20)
      const waiting = await run('WAITING', 10)
      const ended = await run('FAILED', 40)
      const validation = async (minutesAgo: number) =>
        (
          await q<{ id: string }>(
            `INSERT INTO "Validation" ("id", "planId", "environmentId", "tables", "createdAt", "updatedAt") VALUES (gen_random_uuid(), $1, $2, '{}', now() - make_interval(mins => $3), now()) RETURNING "id"`,
            [plan?.id, environment?.id, minutesAgo],
          )
        )[0]?.id
      const [olderValidation, newerValidation] = [await validation(5), await validation(1)]
      const [connection] = await q<{ id: string }>(
        `INSERT INTO "Connection" ("id", "environmentId", "name", "engine", "role", "updatedAt") VALUES (gen_random_uuid(), $1, 'orders', 'POSTGRES', 'TARGET', now()) RETURNING "id"`,
        [environment?.id],
      )
      const [backup] = await q<{ id: string }>(
        `INSERT INTO "Backup" ("id", "planId", "connectionName", "format", "fileName", "status") VALUES (gen_random_uuid(), $1, 'orders', 'PG_DUMP', 'a.dump', 'VERIFIED') RETURNING "id"`,
        [plan?.id],
      )
      const restore = async (minutesAgo: number) =>
        (
          await q<{ id: string }>(
            `INSERT INTO "Restore" ("id", "backupId", "connectionId", "connectionName", "requestedById", "createdAt") VALUES (gen_random_uuid(), $1, $2, 'orders', $3, now() - make_interval(mins => $4)) RETURNING "id"`,
            [backup?.id, connection?.id, user?.id, minutesAgo],
          )
        )[0]?.id
      const [olderRestore, newerRestore] = [await restore(5), await restore(1)]

      await q(await readFile(join(MIGRATIONS_DIR, MIGRATION, 'migration.sql'), 'utf8'))

      const statusOf = async (table: string, id: string | undefined) =>
        (await q<{ status: string }>(`SELECT "status"::text AS status FROM "${table}" WHERE "id" = $1`, [id]))[0]
          ?.status
      expect([
        await statusOf('Run', running),
        await statusOf('Run', queuedFirst),
        await statusOf('Run', waiting),
        await statusOf('Run', ended),
      ]).toEqual(['RUNNING', 'CANCELLED', 'CANCELLED', 'FAILED'])
      expect([await statusOf('Validation', olderValidation), await statusOf('Validation', newerValidation)]).toEqual([
        'QUEUED',
        'CANCELLED',
      ])
      expect([await statusOf('Restore', olderRestore), await statusOf('Restore', newerRestore)]).toEqual([
        'QUEUED',
        'FAILED',
      ])
      expect(await q(`SELECT "runId"::text AS "runId", "level" FROM "RunEvent" ORDER BY "runId"`)).toEqual(
        [queuedFirst, waiting].sort().map((runId) => ({ runId, level: 'warn' })),
      )
      const audited = await q<{ action: string; entityId: string; planId: string; actorLabel: string }>(
        `SELECT "action", "entityId", "planId"::text AS "planId", "actorLabel" FROM "AuditEvent" ORDER BY "id"`,
      )
      expect(audited.map((a) => [a.action, a.entityId, a.planId, a.actorLabel]).sort()).toEqual(
        [
          ['run.cancel', queuedFirst, plan?.id, 'system'],
          ['run.cancel', waiting, plan?.id, 'system'],
          ['validation.cancel', newerValidation, plan?.id, 'system'],
          ['restore.fail', newerRestore, plan?.id, 'system'],
        ].sort(),
      )
      // And from now on the database keeps one.
      await expect(run('QUEUED', 0)).rejects.toThrow(/Run_one_active_per_phase_environment/)
      await expect(validation(0)).rejects.toThrow(/Validation_one_requested_per_plan_environment/)
      await expect(restore(0)).rejects.toThrow(/Restore_one_active_per_connection/)
    } finally {
      await client.end()
    }
  })
})
