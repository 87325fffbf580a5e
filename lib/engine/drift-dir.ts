import { randomBytes } from 'node:crypto'
import type pg from 'pg'
import { driftOf, type DriftReport } from '@/lib/domain/drift'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { quoteIdent } from '@/lib/targets/quote'
import { HISTORY_TABLE } from '@/lib/targets/sql/history'
import { ApplyRefused, openTargetConnection } from '@/lib/targets/sql/session'
import { applyScripts, type Script } from './sql/apply'
import { schemaSnapshot } from './rehearsal/schema'

// `lockstep drift --dir DIR`: the schema a migration folder gives, against a target's live one. The scripts the
// target's history says are applied are replayed, through the same engine as a run, into a scratch database made
// for it (on the target's server, or the one --dev-url names) and dropped after; the two schemas are compared as
// a drift check compares a target with its record.

export type DirDrift = {
  report: DriftReport
  /** Scripts of the folder the target has not applied (not replayed: they are not drift). */
  pending: string[]
  /** The target keeps no history: every script of the folder was taken as applied. */
  noHistory: boolean
}

/** A failure to replay the folder or reach a database: not drift, and said as such. */
export class DriftCheckRefused extends Error {}

async function appliedVersions(client: pg.Client): Promise<Set<string> | null> {
  const { rows } = await client.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [
    HISTORY_TABLE,
  ])
  if (!rows[0]?.present) return null
  const applied = await client.query<{ version: string }>(
    `SELECT version FROM ${HISTORY_TABLE} WHERE success AND rolled_back_at IS NULL`,
  )
  return new Set(applied.rows.map((r) => r.version))
}

/** Makes an empty database on `server`'s server; refused, with what to grant, when the role may not. */
async function scratchDatabase(server: PostgresTarget): Promise<{ target: PostgresTarget; drop: () => Promise<void> }> {
  const name = `lockstep_drift_${randomBytes(6).toString('hex')}`
  const admin = await openTargetConnection(server, 'lockstep drift (scratch)')
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`)
  } catch (error) {
    await admin.end().catch(() => undefined)
    const code = (error as { code?: string }).code
    throw new DriftCheckRefused(
      code === '42501'
        ? `The role “${server.user}” may not create a database on ${server.host}:${server.port} to replay the folder in: grant it CREATEDB, or give --dev-url postgresql://… of a server where it may.`
        : `No scratch database could be made on ${server.host}:${server.port}: ${(error as Error).message}`,
    )
  }
  await admin.end().catch(() => undefined)
  return {
    target: { ...server, database: name },
    drop: async () => {
      const again = await openTargetConnection(server, 'lockstep drift (scratch)')
      try {
        await again.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)
      } finally {
        await again.end().catch(() => undefined)
      }
    },
  }
}

export async function driftOfDir(
  target: PostgresTarget,
  scripts: Script[],
  devServer?: PostgresTarget,
): Promise<DirDrift> {
  const live = await openTargetConnection(target, 'lockstep drift')
  try {
    const applied = await appliedVersions(live)
    const replayed = applied ? scripts.filter((s) => applied.has(s.version)) : scripts
    const pending = applied ? scripts.filter((s) => !applied.has(s.version)).map((s) => s.label ?? s.version) : []
    const scratch = await scratchDatabase(devServer ?? target)
    try {
      await applyScripts(scratch.target, replayed, { appliedBy: 'lockstep drift (replay)' }).then((outcomes) => {
        const failed = outcomes.find((o) => o.status === 'FAILED' || o.status === 'CANCELLED')
        if (failed)
          throw new DriftCheckRefused(
            `The folder could not be replayed: ${failed.version} failed${failed.error ? ` – ${failed.error}` : ''}.`,
          )
      })
      const expected = await openTargetConnection(scratch.target, 'lockstep drift (replayed)')
      try {
        const report = driftOf(await schemaSnapshot(expected), await schemaSnapshot(live))
        return { report, pending, noHistory: !applied }
      } finally {
        await expected.end().catch(() => undefined)
      }
    } catch (error) {
      if (error instanceof ApplyRefused)
        throw new DriftCheckRefused(`The folder could not be replayed: ${error.message}`)
      throw error
    } finally {
      await scratch.drop().catch(() => undefined)
    }
  } finally {
    await live.end().catch(() => undefined)
  }
}
