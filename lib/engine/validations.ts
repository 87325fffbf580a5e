import { db } from '@/lib/db'
import type { ValidationStatus } from '@/lib/generated/prisma/enums'
import { SCOPED_WINDOWS } from '@/lib/server/runs/content'
import { withoutServerPaths } from '@/lib/server/paths'
import { planCopyMapping } from '@/lib/server/plans/mapping'
import { tableMappingOf } from '@/lib/domain/mapping-lookup'
import { planSourceOf, planTargetOf } from '@/lib/server/runs/target'
import { mayWorkOnPlan } from '@/lib/server/windows/rules'
import { cancelRequested, finishValidation, saveLiveReport } from '@/lib/server/validations/record'
export { claimValidation, requeueValidations } from '@/lib/server/validations/transition'
import { runValidation } from './validate/engine'
import type { ValidationReport } from '@/lib/domain/validation-report'
import { postgresSide } from './validate/postgres-side'
import { sqliteSide } from './validate/sqlite-side'
import { validateSchemas } from './validate/schemas'
import { settleInFlight } from './sync/in-flight'
import { beginSyncCheck, type SyncCheck } from './sync/check'
import { followingSync } from '@/lib/server/syncs/record'
import { openTargetConnection } from '@/lib/targets/sql/session'
import type { ValidationOptions } from './validate/model'
import type pg from 'pg'

// The worker's side of validations: those asked for from the plan (claimed like runs) and those of
// validate steps share validatePlan – the plan's source and target on an environment, its custom rules,
// the report written live (at most once a second) and at the end with the criteria it decides.

const LIVE_EVERY_MS = 1_000

export type PlanValidation = {
  validationId: string
  planId: string
  environmentId: string
  tables: string[]
  schemas?: string[]
  maxSamples: number
  maxDifferences: number
  integrity?: boolean
  /** The cutover after a check while the sync followed: only the rows changed since are compared. */
  changedKeys?: ValidationOptions['changedKeys']
  signal?: AbortSignal
}

/** The validation compares every table and schema the sync writes (so a check of it can stand for them all). */
function coversSync(v: PlanValidation, scope: unknown): boolean {
  const { tables = [], schemas = [] } = (scope ?? {}) as { tables?: string[]; schemas?: string[] }
  const all = (wanted: readonly string[], chosen: readonly string[] | undefined) =>
    !chosen?.length || (wanted.length > 0 && wanted.every((w) => chosen.includes(w)))
  return all(tables, v.tables) && all(schemas, v.schemas)
}

/** Validates and records; the report, or throws when the databases cannot be read (the validation ends in ERROR then). */
export async function validatePlan(v: PlanValidation): Promise<ValidationReport> {
  const cancel = new AbortController()
  v.signal?.addEventListener('abort', () => cancel.abort(), { once: true })
  const poll = setInterval(() => {
    cancelRequested(v.validationId)
      .then((yes) => yes && cancel.abort())
      .catch(() => undefined)
  }, LIVE_EVERY_MS)
  let lastWrite = 0
  let writing = Promise.resolve()
  let checkClient: pg.Client | null = null
  try {
    const [sourceConnection, targetConnection] = await Promise.all([
      planSourceOf(v.planId, v.environmentId),
      planTargetOf(v.planId, v.environmentId),
    ])
    if (!sourceConnection)
      throw new Error('The plan has no source connection on this environment; choose one on the plan page.')
    if (!targetConnection)
      throw new Error('The plan has no PostgreSQL target connection on this environment; choose one on the plan page.')
    const mapping = await planCopyMapping(v.planId)
    const rules = await db.validationRule.findMany({ where: { planId: v.planId }, orderBy: { position: 'asc' } })
    const options = {
      tables: v.tables,
      maxSamples: v.maxSamples,
      maxDifferences: v.maxDifferences,
      integrity: v.integrity,
      changedKeys: v.changedKeys,
      onDifference: undefined as ValidationOptions['onDifference'],
      rules: rules.map((r) => ({
        name: r.name,
        sql: r.sql,
        severity: r.severity === 'ERROR' ? ('error' as const) : ('warning' as const),
        action: r.action === 'FAIL' ? ('fail' as const) : ('warn' as const),
      })),
      signal: cancel.signal,
      onProgress: (live: ValidationReport) => {
        const now = Date.now()
        if (now - lastWrite < LIVE_EVERY_MS && live.status === 'RUNNING') return
        lastWrite = now
        writing = writing.then(() => saveLiveReport(v.validationId, live)).catch(() => undefined)
      },
    }
    // A PostgreSQL source: every schema with tables (or those the step names), as its copy takes them.
    const validate = async (tables = options.tables, live = true): Promise<ValidationReport> => {
      const run = live ? options : { ...options, onProgress: undefined }
      if (sourceConnection.engine === 'POSTGRES')
        return validateSchemas(sourceConnection.target, targetConnection, {
          ...run,
          tables,
          schemas: v.schemas,
          mapping,
          sourceLabel: sourceConnection.name,
          targetLabel: targetConnection.name,
        })
      if (v.schemas?.length)
        throw new Error(
          `The step names schemas (${v.schemas.join(', ')}), but the plan's source ${sourceConnection.name} is a SQLite file, which has none; clear the step's schemas.`,
        )
      const source = sqliteSide(sourceConnection.path, sourceConnection.name, { mapping })
      const target = postgresSide(targetConnection, { label: targetConnection.name })
      try {
        // Tables the step names by their source names are compared under the names the mapping gives them.
        const named = tables.map((t) => tableMappingOf(mapping, t)?.rename ?? t)
        return await runValidation(source, target, { ...run, tables: named })
      } finally {
        await Promise.all([source.close(), target.close()])
      }
    }
    // While a sync follows the source, a validation of all it writes is recorded on the target for the cutover.
    const following = v.changedKeys ? null : await followingSync(v.planId, v.environmentId)
    let check: SyncCheck | null = null
    if (following && coversSync(v, following.scope)) {
      checkClient = await openTargetConnection(targetConnection, 'lockstep validate (sync check)')
      check = await beginSyncCheck(checkClient, following.id)
      options.onDifference = check?.onDifference
    }
    const first = await validate()
    if (check && (await check.record(first)))
      first.warnings.push(
        'A sync follows this source: this validation is recorded on the target, so the cutover compares only the rows changed after it began, and those that differed.',
      )
    // While a sync follows the source, what differs only because it is in flight is checked again.
    const report = await settleInFlight(first, {
      planId: v.planId,
      environmentId: v.environmentId,
      // The checks again replace tables of the live report only at the end.
      revalidate: (tables) => validate(tables, false),
      signal: cancel.signal,
    })
    await writing
    try {
      await finishValidation(v.validationId, { report })
    } catch (error) {
      throw new Error(
        `The validation's report could not be saved: ${(error as Error).message.trim().split('\n').pop()}`,
      )
    }
    return report
  } catch (error) {
    await writing
    const message = withoutServerPaths((error as Error).message)
    await finishValidation(v.validationId, { error: message })
    throw error
  } finally {
    clearInterval(poll)
    await checkClient?.end().catch(() => undefined)
  }
}

export async function executeValidation(validationId: string): Promise<ValidationStatus> {
  const v = await db.validation.findUniqueOrThrow({
    where: { id: validationId },
    include: { environment: { include: { windows: SCOPED_WINDOWS(new Date()) } } },
  })
  // The window rule again on a protected environment: it can close or be cancelled while the validation waits.
  const permission = mayWorkOnPlan(v.environment, v.environment.windows, new Date(), v.planId, 'a validation')
  if (!permission.allowed) {
    await finishValidation(validationId, { error: permission.reason })
    return 'ERROR'
  }
  try {
    return (
      await validatePlan({
        validationId,
        planId: v.planId,
        environmentId: v.environmentId,
        tables: v.tables,
        maxSamples: v.maxSamples,
        maxDifferences: v.maxDifferences,
      })
    ).status as ValidationStatus
  } catch {
    return 'ERROR'
  }
}
