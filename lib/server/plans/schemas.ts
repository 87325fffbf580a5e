import { z } from 'zod'
import {
  COMPARATORS,
  CRITERION_STATUSES,
  IMPACTS,
  LIKELIHOODS,
  PLAN_STATUSES,
  RISK_STATUSES,
} from '@/lib/domain/plan-values'
import { EMPTY_MAPPING } from '@/lib/domain/mapping-lookup'
import { checkMapping } from '@/lib/domain/mapping'
import { METRIC_NAMES } from '@/lib/domain/metrics'
import { EXISTING_ROWS_CHOICES, MAX_OBSERVE_SECONDS, STEP_LIMITS } from '@/lib/domain/step-kinds'
import { blankToNull, checkbox, longText, optionalDate, optionalText, requiredText, ZId } from '@/lib/server/fields'
import { MAX_DOCUMENT_BYTES, TOO_LARGE } from '@/lib/plan-document/limits'

export { ZId }

export const ZPlanFields = z.object({
  title: requiredText('a title', 200),
  summary: longText(5_000),
  currentState: longText(20_000),
  targetState: longText(20_000),
  status: z.enum(PLAN_STATUSES, 'Choose a status.').default('DRAFT'),
  startDate: optionalDate,
})
export const ZCreatePlan = ZPlanFields
export type TCreatePlan = z.infer<typeof ZCreatePlan>
export const ZUpdatePlan = ZPlanFields.extend({ planId: ZId })
export type TUpdatePlan = z.infer<typeof ZUpdatePlan>

const ZPhaseFields = z
  .object({
    name: requiredText('a name', 200),
    goal: longText(2_000),
    plannedStart: optionalDate,
    plannedEnd: optionalDate,
    plannedLabel: optionalText(50),
  })
  .refine((p) => !p.plannedStart || !p.plannedEnd || p.plannedEnd >= p.plannedStart, {
    path: ['plannedEnd'],
    message: 'The end must not be before the start.',
  })
export const ZAddPhase = ZPhaseFields.and(z.object({ planId: ZId }))
export type TAddPhase = z.infer<typeof ZAddPhase>
export const ZUpdatePhase = ZPhaseFields.and(z.object({ phaseId: ZId }))
export type TUpdatePhase = z.infer<typeof ZUpdatePhase>
export const ZMovePhase = z.object({ phaseId: ZId, direction: z.enum(['up', 'down'], 'Choose up or down.') })
export type TMovePhase = z.infer<typeof ZMovePhase>
export const ZBlockPhase = z.object({ phaseId: ZId, reason: requiredText('a reason', 500) })
export type TBlockPhase = z.infer<typeof ZBlockPhase>
export const ZPhaseId = z.object({ phaseId: ZId })
export type TPhaseId = z.infer<typeof ZPhaseId>

export const ZAddItem = z
  .object({
    phaseId: z.preprocess(blankToNull, ZId.nullable()),
    checklistId: z.preprocess(blankToNull, ZId.nullable()),
    text: requiredText('the task', 500),
    owner: optionalText(120),
    dueDate: optionalDate,
    isRequired: checkbox.default(false),
  })
  .refine((i) => (i.phaseId === null) !== (i.checklistId === null), {
    path: ['text'],
    message: 'Add the item to a phase or a checklist.',
  })
export type TAddItem = z.infer<typeof ZAddItem>
export const ZUpdateItem = z.object({
  itemId: ZId,
  text: requiredText('the task', 500),
  owner: optionalText(120),
  dueDate: optionalDate,
  isRequired: checkbox.default(false),
})
export type TUpdateItem = z.infer<typeof ZUpdateItem>
export const ZSetItemDone = z.object({ itemId: ZId, done: checkbox })
export type TSetItemDone = z.infer<typeof ZSetItemDone>

export const ZAddChecklist = z.object({ planId: ZId, name: requiredText('a name', 200) })
export type TAddChecklist = z.infer<typeof ZAddChecklist>

export const ZRiskFields = z.object({
  title: requiredText('a title', 300),
  // "" is "not rated", as imported risks often are.
  impact: z.preprocess((v) => (v === '' ? null : v), z.enum(IMPACTS, 'Choose an impact.').nullable()),
  likelihood: z.preprocess((v) => (v === '' ? null : v), z.enum(LIKELIHOODS, 'Choose a likelihood.').nullable()),
  mitigation: longText(5_000),
  owner: optionalText(120),
  status: z.enum(RISK_STATUSES, 'Choose a status.').default('OPEN'),
})
export const ZAddRisk = ZRiskFields.extend({ planId: ZId })
export type TAddRisk = z.infer<typeof ZAddRisk>
export const ZUpdateRisk = ZRiskFields.extend({ riskId: ZId })
export type TUpdateRisk = z.infer<typeof ZUpdateRisk>

export const ZAddCriterion = z.object({ planId: ZId, text: requiredText('the criterion', 1_000) })
export type TAddCriterion = z.infer<typeof ZAddCriterion>

export const ZAddTrigger = z
  .object({
    planId: ZId,
    text: requiredText('the trigger', 1_000),
    metric: z.preprocess(blankToNull, z.enum(METRIC_NAMES, 'Choose a metric Lockstep measures.').nullable()),
    comparator: z.preprocess(blankToNull, z.enum(COMPARATORS, 'Choose a comparison.').nullable()),
    threshold: z.preprocess(blankToNull, z.coerce.number('Enter a number.').finite('Enter a number.').nullable()),
    sustainedSeconds: z.preprocess(
      (v) => blankToNull(v) ?? 0,
      z.coerce
        .number('Enter a number of seconds.')
        .int('Enter whole seconds.')
        .min(0, 'Enter 0 or more seconds.')
        .max(86_400, 'Use at most a day (86,400 s).'),
    ),
  })
  .refine(
    (t) =>
      [t.metric, t.comparator, t.threshold].every((v) => v === null) ||
      [t.metric, t.comparator, t.threshold].every((v) => v !== null),
    {
      path: ['metric'],
      message: 'A measurable condition needs a metric, a comparison and a threshold.',
    },
  )
export type TAddTrigger = z.infer<typeof ZAddTrigger>

export const ZSetCriterionStatus = z.object({
  criterionId: ZId,
  status: z.enum(CRITERION_STATUSES, 'Choose a status.'),
})
export type TSetCriterionStatus = z.infer<typeof ZSetCriterionStatus>

export const REMOVABLE = ['phase', 'item', 'risk', 'criterion', 'trigger'] as const
export const ZRemove = z.object({ kind: z.enum(REMOVABLE, 'Unknown kind.'), id: ZId })
export type TRemove = z.infer<typeof ZRemove>

export const ZSetPlanEnvironment = z.object({
  planId: ZId,
  environmentId: ZId,
  sourceConnectionId: z.preprocess(blankToNull, ZId.nullable()),
  targetConnectionId: z.preprocess(blankToNull, ZId.nullable()),
})
export type TSetPlanEnvironment = z.infer<typeof ZSetPlanEnvironment>
export const ZMovePlanEnvironment = z.object({
  planId: ZId,
  environmentId: ZId,
  direction: z.enum(['up', 'down'], 'Choose up or down.'),
})
export type TMovePlanEnvironment = z.infer<typeof ZMovePlanEnvironment>

export const optionalWhole = (what: string, min: number, max: number) =>
  z.preprocess(
    blankToNull,
    z.coerce
      .number({ error: `Enter ${what} as a whole number.` })
      .int(`Enter ${what} as a whole number.`)
      .min(min, `Use at least ${min}.`)
      .max(max, `Use at most ${max.toLocaleString('en')}.`)
      .nullable(),
  )

const sqlStepFields = {
  name: requiredText('a name', 200),
  body: requiredText('the SQL script', 1_000_000),
  rollbackBody: z.preprocess(blankToNull, z.string().max(1_000_000, 'Use at most 1,000,000 characters.').nullable()),
  statementTimeoutSeconds: optionalWhole('the statement timeout', 1, 24 * 3600)
    .optional()
    .transform((v) => v ?? null),
  lockTimeoutMs: optionalWhole('the lock timeout', 10, 600_000)
    .optional()
    .transform((v) => v ?? null),
}
export const ZAddSqlStep = z.object({ phaseId: ZId, ...sqlStepFields })
export type TAddSqlStep = z.infer<typeof ZAddSqlStep>
export const ZEditSqlStep = z.object({
  stepId: ZId,
  ...sqlStepFields,
  // When the script already ran somewhere: add the change as a new step, or edit the applied script anyway.
  appliedDecision: z.preprocess(blankToNull, z.enum(['new-step', 'edit']).nullable().optional()),
})
export type TEditSqlStep = z.infer<typeof ZEditSqlStep>
/** A copy mapping, sent by a form as JSON text (or an object by other callers); problems name the rule. */
export const ZMappingField = z
  .unknown()
  .optional()
  .transform((v, ctx) => {
    let json: unknown = v
    if (typeof v === 'string') {
      if (!v.trim()) return EMPTY_MAPPING
      try {
        json = JSON.parse(v)
      } catch {
        ctx.addIssue({ code: 'custom', message: 'The mapping is not valid JSON.' })
        return z.NEVER
      }
    }
    if (json === undefined || json === null) return EMPTY_MAPPING
    const { mapping, problems } = checkMapping(json)
    for (const p of problems) ctx.addIssue({ code: 'custom', message: `Mapping – ${p.path}: ${p.message}.` })
    return problems.length ? z.NEVER : mapping
  })
export const copyStepFields = {
  name: requiredText('a name', 200),
  // Table names, one per line or separated by commas; empty: every table of the source.
  tables: z.preprocess(
    (v) =>
      typeof v === 'string'
        ? [
            ...new Set(
              v
                .split(/[,\n]/)
                .map((t) => t.trim())
                .filter(Boolean),
            ),
          ]
        : v,
    z.array(z.string().max(128, 'Table names have at most 128 characters.')).max(1_000, 'Name at most 1,000 tables.'),
  ),
  // Schema names of a PostgreSQL source, likewise; empty: every schema that holds tables.
  schemas: z.preprocess(
    (v) => (v === undefined ? '' : v),
    z.preprocess(
      (v) =>
        typeof v === 'string'
          ? [
              ...new Set(
                v
                  .split(/[,\n]/)
                  .map((t) => t.trim())
                  .filter(Boolean),
              ),
            ]
          : v,
      z.array(z.string().max(63, 'Schema names have at most 63 characters.')).max(200, 'Name at most 200 schemas.'),
    ),
  ),
  mode: z.enum(['create', 'existing'], 'Choose where the rows go.'),
  jobs: optionalWhole('the number of connections', STEP_LIMITS.jobs.min, STEP_LIMITS.jobs.max)
    .optional()
    .transform((v) => v ?? null),
  chunkRows: optionalWhole('the rows per chunk', STEP_LIMITS.chunkRows.min, STEP_LIMITS.chunkRows.max)
    .optional()
    .transform((v) => v ?? null),
  maxRejectedRows: optionalWhole(
    'the limit of rejected rows',
    STEP_LIMITS.maxRejectedRows.min,
    STEP_LIMITS.maxRejectedRows.max,
  )
    .optional()
    .transform((v) => v ?? null),
  reload: checkbox,
  // Only read with mode "existing": the form leaves it out otherwise.
  existingRows: z.preprocess(
    (v) => blankToNull(v) ?? 'refuse',
    z.enum(EXISTING_ROWS_CHOICES, 'Choose what happens to rows already on the target.'),
  ),
  confirmEmpty: checkbox,
  mapping: ZMappingField,
}
/** Emptying the target's tables is a choice a person confirms explicitly when saving the step. */
export const emptyingConfirmed = (step: { mode: string; existingRows: string; confirmEmpty: boolean }) =>
  step.mode !== 'existing' || step.existingRows !== 'empty' || step.confirmEmpty
export const EMPTYING_NOT_CONFIRMED = {
  path: ['confirmEmpty'],
  message: 'Confirm that the rows already in these tables on the target will be deleted, or choose another way.',
}
export const ZAddCopyStep = z
  .object({ phaseId: ZId, ...copyStepFields })
  .refine(emptyingConfirmed, EMPTYING_NOT_CONFIRMED)
export type TAddCopyStep = z.infer<typeof ZAddCopyStep>
export const ZEditCopyStep = z
  .object({ stepId: ZId, ...copyStepFields })
  .refine(emptyingConfirmed, EMPTYING_NOT_CONFIRMED)
export type TEditCopyStep = z.infer<typeof ZEditCopyStep>
const validateStepFields = {
  name: requiredText('a name', 200),
  tables: copyStepFields.tables,
  schemas: copyStepFields.schemas,
  maxSamples: optionalWhole('the samples per table', STEP_LIMITS.maxSamples.min, STEP_LIMITS.maxSamples.max)
    .optional()
    .transform((v) => v ?? null),
  maxDifferences: optionalWhole(
    'the differences per table',
    STEP_LIMITS.maxDifferences.min,
    STEP_LIMITS.maxDifferences.max,
  )
    .optional()
    .transform((v) => v ?? null),
  integrity: checkbox,
}
export const ZAddValidateStep = z.object({ phaseId: ZId, ...validateStepFields })
export type TAddValidateStep = z.infer<typeof ZAddValidateStep>
export const ZEditValidateStep = z.object({ stepId: ZId, ...validateStepFields })
export type TEditValidateStep = z.infer<typeof ZEditValidateStep>
const observeStepFields = {
  name: requiredText('a name', 200),
  minutes: z.preprocess(
    blankToNull,
    z.coerce
      .number({ error: 'Enter the minutes to watch.' })
      .finite('Enter the minutes to watch.')
      .min(0.1, 'Watch for at least 0.1 minutes (6 s).')
      .max(MAX_OBSERVE_SECONDS / 60, `Watch for at most ${MAX_OBSERVE_SECONDS / 60} minutes (a day).`),
  ),
  rollback: z.enum(['offer', 'start'], 'Choose what happens when a trigger fires.'),
}
export const ZAddObserveStep = z.object({ phaseId: ZId, ...observeStepFields })
export type TAddObserveStep = z.infer<typeof ZAddObserveStep>
export const ZEditObserveStep = z.object({ stepId: ZId, ...observeStepFields })
export type TEditObserveStep = z.infer<typeof ZEditObserveStep>
const backupStepFields = {
  name: requiredText('a name', 200),
  of: z.enum(['target', 'source'], 'Choose which database to back up.'),
  tables: copyStepFields.tables,
}
export const ZAddBackupStep = z.object({ phaseId: ZId, ...backupStepFields })
export type TAddBackupStep = z.infer<typeof ZAddBackupStep>
export const ZEditBackupStep = z.object({ stepId: ZId, ...backupStepFields })
export type TEditBackupStep = z.infer<typeof ZEditBackupStep>
export const ZAddManualStep = z.object({
  phaseId: ZId,
  name: requiredText('a name', 200),
  instructions: optionalText(10_000),
  requireChecklist: checkbox,
})
export type TAddManualStep = z.infer<typeof ZAddManualStep>
export const ZRemoveStep = z.object({ stepId: ZId })
export type TRemoveStep = z.infer<typeof ZRemoveStep>
export const ZOverrideLint = z.object({ stepId: ZId, reason: requiredText('the reason', 2_000) })
export type TOverrideLint = z.infer<typeof ZOverrideLint>
export const ZSetStepReady = z.object({ stepId: ZId, ready: checkbox })
export type TSetStepReady = z.infer<typeof ZSetStepReady>

/** An action on a whole plan (archive, restore, snapshot). */
export const ZPlanRef = z.object({ planId: ZId })

/** A plan document arrives as an uploaded file or as pasted text; the server parses it itself. */
export const ZPlanDocument = z.object({
  file: z.instanceof(File).optional(),
  // Characters are at most as many as bytes: the byte limit itself is checked when the text is read.
  text: z.string().max(MAX_DOCUMENT_BYTES, TOO_LARGE).optional(),
})
