import { z } from 'zod'
import { checkMapping, describeProblems } from '@/lib/domain/mapping'
import { EXISTING_ROWS_CHOICES, MAX_OBSERVE_SECONDS, STEP_LIMITS } from '@/lib/domain/step-kinds'

// The settings of the steps a document can carry besides SQL: what a copy, validate, backup, observe or manual
// step holds, checked as the step forms check it. A document never carries a person's confirmation (emptying
// the target's tables first): whoever imports it confirms that on the step again.

export const CONFIGURED_KINDS = ['copy', 'validate', 'backup', 'observe', 'manual'] as const
export type ConfiguredKind = (typeof CONFIGURED_KINDS)[number]
export const isConfiguredKind = (kind: string): kind is ConfiguredKind =>
  (CONFIGURED_KINDS as readonly string[]).includes(kind)

const whole = (what: string, { min, max }: { min: number; max: number }) =>
  z
    .number(`${what} is not a number`)
    .int(`${what} is not a whole number`)
    .min(min, `${what} is below ${min.toLocaleString('en')}`)
    .max(max, `${what} is above ${max.toLocaleString('en')}`)
const names = (what: string, length: number, count: number) =>
  z
    .array(z.string().min(1, `a ${what} name is empty`).max(length, `a ${what} name is longer than ${length}`))
    .max(count, `more than ${count.toLocaleString('en')} ${what}s`)
const tables = names('table', STEP_LIMITS.tableName, STEP_LIMITS.copyTables)
const schemas = names('schema', STEP_LIMITS.schemaName, STEP_LIMITS.schemas)

const ZDocCopyConfig = z
  .object({
    tables,
    schemas,
    mode: z.enum(['create', 'existing'], 'the mode is neither create nor existing'),
    jobs: whole('the number of connections', STEP_LIMITS.jobs),
    chunkRows: whole('the rows per chunk', STEP_LIMITS.chunkRows),
    maxRejectedRows: whole('the rejected rows allowed', STEP_LIMITS.maxRejectedRows),
    reload: z.boolean('reload is neither yes nor no'),
    existingRows: z.enum(EXISTING_ROWS_CHOICES, 'existing rows is none of refuse, empty, merge'),
    mapping: z.unknown().transform((json, ctx) => {
      const { mapping, problems } = checkMapping(json ?? { tables: [] })
      if (problems.length) ctx.addIssue({ code: 'custom', message: `the mapping – ${describeProblems(problems)}` })
      return mapping
    }),
  })
  .strict()

const ZDocValidateConfig = z
  .object({
    tables,
    schemas,
    maxSamples: whole('the samples per table', STEP_LIMITS.maxSamples),
    maxDifferences: whole('the differences per table', STEP_LIMITS.maxDifferences),
    integrity: z.boolean('integrity checks is neither yes nor no'),
  })
  .strict()

const ZDocBackupConfig = z
  .object({ of: z.enum(['target', 'source'], 'of is neither target nor source'), tables })
  .strict()

const ZDocObserveConfig = z
  .object({
    seconds: whole('the seconds watched', { min: 1, max: MAX_OBSERVE_SECONDS }),
    rollback: z.enum(['offer', 'start'], 'rollback is neither offer nor start'),
  })
  .strict()

const ZDocManualConfig = z.object({ requireChecklist: z.boolean('checklist required is neither yes nor no') }).strict()

export const DOC_STEP_CONFIGS = {
  copy: ZDocCopyConfig,
  validate: ZDocValidateConfig,
  backup: ZDocBackupConfig,
  observe: ZDocObserveConfig,
  manual: ZDocManualConfig,
} as const

export type DocCopyConfig = z.infer<typeof ZDocCopyConfig>
export type DocValidateConfig = z.infer<typeof ZDocValidateConfig>
export type DocBackupConfig = z.infer<typeof ZDocBackupConfig>
export type DocObserveConfig = z.infer<typeof ZDocObserveConfig>
export type DocManualConfig = z.infer<typeof ZDocManualConfig>
export type DocStepConfig = DocCopyConfig | DocValidateConfig | DocBackupConfig | DocObserveConfig | DocManualConfig

/** A configured step's settings as the step forms would save them, or what is wrong with them, rule by rule. */
export function checkStepConfig(
  kind: ConfiguredKind,
  config: unknown,
): { config: DocStepConfig; problems: null } | { config: null; problems: string[] } {
  if (config === null || config === undefined) return { config: null, problems: ['its settings are missing'] }
  const parsed = DOC_STEP_CONFIGS[kind].safeParse(config)
  if (parsed.success) return { config: parsed.data, problems: null }
  return {
    config: null,
    problems: parsed.error.issues.map((i) =>
      i.code === 'unrecognized_keys'
        ? `${i.keys.join(', ')} is not a setting of this step`
        : i.message.startsWith('Invalid')
          ? `${i.path.join('.') || 'the settings'}: ${i.message}`
          : i.message,
    ),
  }
}
