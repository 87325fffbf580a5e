import { z } from 'zod'
import { CRITERION_CHECKS } from '@/lib/domain/criteria'
import { requiredText, ZId } from '@/lib/server/fields'
import { ZReauthCode } from '@/lib/server/users/schemas'

// What people send to ask for a validation, keep custom rules and bind success criteria – checked before
// anything is read or written.

/** Table names, one per line or comma-separated; empty: all of the source's tables. */
export const tableList = z.preprocess(
  (value) => (Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\n,]/) : []),
  z
    .array(z.string().trim().max(63, 'A table name has at most 63 characters.'))
    .max(5_000, 'Name at most 500 tables.')
    .transform((names) => [...new Set(names.filter(Boolean))])
    .pipe(z.array(z.string().max(63)).max(500, 'Name at most 500 tables.')),
)

const whole = (what: string, min: number, max: number) =>
  z.coerce
    .number(`Enter ${what} as a whole number.`)
    .int(`Enter ${what} as a whole number.`)
    .min(min, `${what} is at least ${min}.`)
    .max(max, `${what} is at most ${max}.`)

export const ZRequestValidation = z.object({
  planId: ZId,
  environmentId: ZId,
  tables: tableList,
  maxSamples: whole('the samples per table', 1, 200).default(20),
  maxDifferences: whole('the differences per table', 1, 1_000_000).default(1000),
  // A fresh code from the authenticator, asked for validations on a protected environment.
  code: ZReauthCode,
})
export type TRequestValidation = z.infer<typeof ZRequestValidation>

export const ZCancelValidation = z.object({ validationId: ZId })

const ruleFields = {
  name: requiredText('a name', 120),
  sql: requiredText('the query', 20_000),
  severity: z.enum(['WARNING', 'ERROR'], 'Choose a severity.'),
  action: z.enum(['FAIL', 'WARN'], 'Choose what a violation does.'),
}
export const ZAddRule = z.object({ planId: ZId, ...ruleFields })
export type TAddRule = z.infer<typeof ZAddRule>
export const ZEditRule = z.object({ ruleId: ZId, ...ruleFields })
export type TEditRule = z.infer<typeof ZEditRule>
export const ZRemoveRule = z.object({ ruleId: ZId })

export const ZBindCriterion = z.object({
  criterionId: ZId,
  /** `none` unbinds; `rule:<id>` binds to a custom rule. */
  check: z.union([
    z.literal('none'),
    z.enum(CRITERION_CHECKS.filter((c) => c !== 'rule') as ['row-counts', 'checksums', 'orphans']),
    z.string().regex(/^rule:[0-9a-f-]{36}$/i, 'Choose a check.'),
  ]),
})
export type TBindCriterion = z.infer<typeof ZBindCriterion>
