import { z } from 'zod'
import 'zod-openapi'
import { MAX_WINDOW_HOURS } from '@/lib/server/windows/schemas'

// The request and answer shapes of /api/v1: the handlers validate with these and the OpenAPI document
// (openapi.ts) is generated from them, so what is documented is what is checked.

const ZUuid = z.uuid()
export const ZLimit = z.coerce
  .number()
  .int()
  .min(1)
  .max(100)
  .default(50)
  .meta({ description: 'Items per page (1–100).' })
export const ZCursor = z.string().max(200).optional().meta({ description: 'The nextCursor of the previous page.' })
const iso = z.iso.datetime({ offset: true })
const isoOrNull = iso.nullable()

export const ZProblem = z
  .object({
    type: z.string().meta({ example: 'https://lockstep.dev/problems/conflict' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.record(z.string(), z.array(z.string())).optional(),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem: `type` ends with the code.' })

export const ZPlanParams = z.object({ planId: ZUuid })
export const ZPhaseParams = z.object({ planId: ZUuid, phaseId: ZUuid })
export const ZRunParams = z.object({ runId: ZUuid })
export const ZValidationParams = z.object({ validationId: ZUuid })
export const ZPageQuery = z.object({ limit: ZLimit, cursor: ZCursor })
export const ZEventsQuery = z.object({
  after: z
    .string()
    .regex(/^\d{1,18}$/, 'Use an event id.')
    .optional()
    .meta({ description: 'Event id (exclusive).' }),
  limit: ZLimit,
})
export const ZPreviewQuery = z.object({ environmentId: ZUuid })

export const ZPutSqlStep = z.object({
  name: z.string().trim().min(1, 'Enter a name.').max(200, 'Use at most 200 characters.'),
  script: z.string().min(1, 'Send the SQL script.').max(1_000_000, 'Use at most 1,000,000 characters.'),
  rollbackScript: z.string().max(1_000_000, 'Use at most 1,000,000 characters.').nullable().optional().meta({
    description: 'Omitted or null: the step has no rollback script.',
  }),
  allowAppliedChange: z.boolean().optional().meta({
    description: 'Change a script that already ran on some environment (a DBA then accepts the new checksum there).',
  }),
})
export type TPutSqlStep = z.infer<typeof ZPutSqlStep>

export const ZPostWindow = z
  .object({
    environmentId: ZUuid,
    phaseId: ZUuid.optional().meta({ description: 'Omitted: the window covers the whole plan.' }),
    startsAt: iso,
    endsAt: iso,
    reason: z.string().trim().min(1, 'Enter the reason.').max(2_000, 'Use at most 2,000 characters.'),
  })
  .superRefine((w, ctx) => {
    const span = Date.parse(w.endsAt) - Date.parse(w.startsAt)
    if (span <= 0) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'The end must be after the start.' })
    else if (span > MAX_WINDOW_HOURS * 3_600_000)
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: `A window lasts at most ${MAX_WINDOW_HOURS} hours.` })
  })
export type TPostWindow = z.infer<typeof ZPostWindow>

export const ZPostRun = z.object({
  planId: ZUuid,
  phaseId: ZUuid,
  environmentId: ZUuid,
  dryRun: z.boolean().optional().default(false),
})
export type TPostRun = z.infer<typeof ZPostRun>

const ZScopeName = z.enum(['read', 'plans:write', 'runs:start'])
export const ZMe = z.object({
  id: ZUuid,
  email: z.string(),
  name: z.string(),
  role: z.enum(['ADMIN', 'LEAD', 'DBA', 'STAKEHOLDER']),
  token: z.object({ id: ZUuid, name: z.string(), scopes: z.array(ZScopeName), expiresAt: isoOrNull }),
})

export const ZPlanList = z.object({
  items: z.array(z.object({ id: ZUuid, title: z.string(), status: z.string(), updatedAt: iso })),
  nextCursor: z.string().nullable(),
})

export const ZPlanOutline = z.object({
  id: ZUuid,
  title: z.string(),
  status: z.string(),
  phases: z.array(
    z.object({
      id: ZUuid,
      name: z.string(),
      position: z.number().int(),
      steps: z.array(z.object({ id: ZUuid, name: z.string(), kind: z.string(), position: z.number().int() })),
    }),
  ),
  environments: z.array(z.object({ id: ZUuid, name: z.string(), protected: z.boolean(), position: z.number().int() })),
})

export const ZSqlStepOutcome = z.object({
  step: z.object({ id: ZUuid, name: z.string(), position: z.number().int(), revision: z.number().int().nullable() }),
  outcome: z.enum(['created', 'updated', 'unchanged']),
})

export const ZWindowCreated = z.object({ id: ZUuid, status: z.string(), startsAt: iso, endsAt: iso })
export const ZRunCreated = z.object({ id: ZUuid, status: z.string(), url: z.string() })

export const ZRunState = z.object({
  id: ZUuid,
  planId: ZUuid,
  phaseId: ZUuid,
  environmentId: ZUuid,
  status: z.string().meta({ description: 'QUEUED, RUNNING, WAITING, INTERRUPTED, ROLLING_BACK, SUCCEEDED, FAILED, …' }),
  dryRun: z.boolean(),
  createdAt: iso,
  startedAt: isoOrNull,
  finishedAt: isoOrNull,
  error: z.string().nullable(),
  steps: z.array(z.object({ id: ZUuid, name: z.string(), kind: z.string(), status: z.string() })),
  url: z.string(),
})

export const ZRunEvents = z.object({
  items: z.array(
    z.object({ id: z.string(), at: iso, level: z.string(), message: z.string(), stepId: ZUuid.nullable() }),
  ),
  nextCursor: z.string().nullable(),
})

export const ZPreview = z
  .looseObject({ planId: ZUuid, phaseId: ZUuid, contentChecksum: z.string(), refusals: z.array(z.string()) })
  .meta({ description: 'The preview of the phase (the steps a run would queue now), and the environment asked about.' })

export const ZValidation = z
  .looseObject({ id: ZUuid, status: z.string(), planId: ZUuid })
  .meta({ description: 'A validation with its report: row values and error texts only for roles that see row data.' })

export const ZOpenApi = z.looseObject({ openapi: z.string() })
