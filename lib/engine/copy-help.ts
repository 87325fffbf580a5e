import type pg from 'pg'
import { setTimeout as sleep } from 'node:timers/promises'
import { db } from '@/lib/db'
import { mappingOrThrow } from '@/lib/domain/mapping'
import { shortId } from '@/lib/domain/short-id'
import { copyConfigOf } from '@/lib/domain/step-kinds'
import { planSourceOf, planTargetOf } from '@/lib/server/runs/target'
import { saveCopyRejects } from '@/lib/server/runs/rejects'
import { openTargetConnection } from '@/lib/targets/sql/session'
import { settingsOf } from './copy/options'
import { qualifiedName } from './copy/pg-schemas'
import { copyUnit, type ClaimedUnit, type UnitWork } from './copy/shared'
import { planTables, type TablePlan } from './copy/table-plans'
import { claimCopyUnit as claimUnitFor, copyUnitsFor } from './copy-units'
import { runLabel } from './job-labels'
import { stepCopySource } from './steps/copy'

// A worker helping with another worker's copy step: it claims a unit of the copy (lib/engine/copy-units.ts),
// builds what the step's run built – the plan's source on the run's environment, the run's target, the step's
// mapping and settings – and loads the unit, then more units of the same copy on as many connections as the
// step's jobs, until none is left to claim. The coordinator (the run's worker) waits for them all.

// Copies whose source or target this worker could not reach (a SQLite file on another host…): it leaves
// them to the others – their run's own worker reaches both – rather than claim and give back their units for ever.
const unhelpable = new Set<string>()
const unreachable = (stepRunId: string) => unhelpable.add(stepRunId)

/** A unit of a copy this worker can help with. */
export const claimCopyUnit = (workerId: string) => claimUnitFor(workerId, [...unhelpable])

/** `copy part orders/3 of run 9f3c07a2 (“Orders move” › …)` */
export async function copyUnitLabel(unitId: string): Promise<string> {
  const unit = await db.copyUnit
    .findUnique({
      where: { id: unitId },
      select: { tableName: true, part: true, stepRun: { select: { runId: true } } },
    })
    .catch(() => null)
  if (!unit) return `copy part ${shortId(unitId)}`
  return `copy part ${unit.tableName}/${unit.part} of ${await runLabel(unit.stepRun.runId)}`
}

/** Loads the claimed unit and then more of its copy; what it did, as the worker's log says it. */
export async function executeCopyUnit(unitId: string): Promise<string> {
  const unit = await db.copyUnit.findUniqueOrThrow({
    where: { id: unitId },
    include: { stepRun: { select: { config: true, run: { select: { planId: true, environmentId: true } } } } },
  })
  const { stepRun, copyId, schema } = unit
  const workerId = unit.workerId ?? ''
  const units = copyUnitsFor(unit.stepRunId, workerId)
  const first: ClaimedUnit = { id: unit.id, table: unit.tableName, part: unit.part }
  const config = copyConfigOf(stepRun.config)
  const { jobs, chunkRows } = settingsOf({ jobs: config.jobs, chunkRows: config.chunkRows })
  let source: ReturnType<typeof stepCopySource>
  let target: NonNullable<Awaited<ReturnType<typeof planTargetOf>>>
  try {
    const mapping = mappingOrThrow((stepRun.config as { mapping?: unknown } | null)?.mapping)
    const planSource = await planSourceOf(stepRun.run.planId, stepRun.run.environmentId)
    const planTarget = await planTargetOf(stepRun.run.planId, stepRun.run.environmentId)
    if (!planSource || !planTarget) throw new Error('The plan has no source or target connection on this environment.')
    source = stepCopySource(planSource, config, mapping, schema)
    target = planTarget
  } catch (error) {
    await units.release(first, 0)
    unreachable(unit.stepRunId)
    return `not helping: ${(error as Error).message}`
  }

  // Each table's plan is made once, on a connection of its own (the loading ones are inside their chunks).
  const plans = new Map<string, Promise<TablePlan>>()
  const planOf = (table: string) => {
    let plan = plans.get(table)
    if (!plan) {
      plan = (async () => {
        const client = await openTargetConnection(target, `lockstep copy plan ${shortId(workerId)}`)
        try {
          const tables = await source.tables([table])
          const o = { copyId, session: client, target, source, mode: config.mode, existingRows: config.existingRows }
          const made = (await planTables(o, schema, tables, [])).get(table)
          if (!made) throw new Error(`No plan for the table ${table}.`)
          return made
        } finally {
          await client.end().catch(() => undefined)
        }
      })()
      plans.set(table, plan)
    }
    return plan
  }
  // Rejected rows are kept as the step's run keeps them: outside public, named `schema.table`.
  const work: UnitWork = {
    copyId,
    chunkRows,
    units,
    planOf,
    onRejects: (rejects) =>
      saveCopyRejects(
        unit.stepRunId,
        copyId,
        rejects.map((r) => ({ ...r, table: qualifiedName(schema, r.table) })),
      ),
  }

  let loaded = 0
  const failures: string[] = []
  const job = async (claimed: ClaimedUnit | null) => {
    let next = claimed ?? (await units.claim(copyId))
    if (!next) return
    let client: pg.Client | null = null
    let reader: Awaited<ReturnType<typeof source.reader>> | null = null
    try {
      client = await openTargetConnection(target, `lockstep copy unit ${shortId(workerId)}`)
      // As the coordinator's connections: a dead worker's backends end within a second (and their part's lock).
      await client.query('SET client_connection_check_interval = 1000').catch(() => undefined)
      await client.query('SET synchronous_commit = off')
      reader = await source.reader()
    } catch (error) {
      // The target or the source out of this worker's reach: the unit goes back to the others.
      await units.release(next, 0).catch(() => undefined)
      unreachable(unit.stepRunId)
      failures.push((error as Error).message)
      await client?.end().catch(() => undefined)
      return
    }
    try {
      for (; next; next = await units.claim(copyId)) {
        const outcome = await copyUnit(work, client, reader, next.table, next.part, next)
        if (outcome === 'done') loaded++
        else await sleep(250)
      }
    } catch (error) {
      // On its unit already: the coordinator fails the step with it.
      failures.push((error as Error).message)
    } finally {
      await reader.close()
      await client.end().catch(() => undefined)
    }
  }
  try {
    await Promise.all([job(first), ...Array.from({ length: jobs - 1 }, () => job(null))])
  } finally {
    await source.close()
  }
  const parts = `loaded ${loaded} part${loaded === 1 ? '' : 's'}`
  return failures.length ? `${parts}, then stopped: ${failures[0]}` : parts
}
