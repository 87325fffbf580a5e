import { Field, Input, NumberField } from '@/components/ui/field'

// Fields that copy, validate and backup steps and validations on demand share.

type Errors = Record<string, string[]> | undefined

const EVERY_SOURCE_TABLE =
  'One per line or separated by commas, spelled as in the source. Empty: every table of the source.'

/** Every step's name: required, at most 200 characters. */
export function StepNameField({
  prefix,
  errors,
  name,
  placeholder,
}: {
  prefix: string
  errors: Errors
  name?: string
  placeholder: string
}) {
  return (
    <Field label="Step name" name="name" id={`${prefix}-name`} errors={errors?.name}>
      <Input
        name="name"
        id={`${prefix}-name`}
        maxLength={200}
        invalid={!!errors?.name}
        defaultValue={name}
        placeholder={placeholder}
      />
    </Field>
  )
}

/** The tables to copy, validate or back up: one per line or comma-separated; empty means all. */
export function TablesField({
  prefix,
  errors,
  tables = [],
  hint = EVERY_SOURCE_TABLE,
  onChange,
}: {
  prefix: string
  errors: Errors
  tables?: readonly string[]
  hint?: string
  onChange?: (text: string) => void
}) {
  return (
    <Field label="Tables (optional)" name="tables" id={`${prefix}-tables`} errors={errors?.tables} hint={hint}>
      <textarea
        name="tables"
        id={`${prefix}-tables`}
        rows={2}
        className="block w-full rounded-md border border-zinc-300 px-3 py-2 font-mono text-xs"
        spellCheck={false}
        defaultValue={tables.join('\n')}
        onChange={onChange ? (e) => onChange(e.target.value) : undefined}
      />
    </Field>
  )
}

/** The schemas of a PostgreSQL source to copy or validate: one per line or comma-separated; empty means every schema with tables. */
export function SchemasField({
  prefix,
  errors,
  schemas = [],
  verb = 'copy',
}: {
  prefix: string
  errors: Errors
  schemas?: readonly string[]
  verb?: 'copy' | 'validate'
}) {
  const hint = `PostgreSQL sources: one per line or separated by commas. Empty: every schema that holds tables${verb === 'copy' ? ', each into the schema of the same name' : ', each against the schema of the same name'}.`
  return (
    <Field label="Schemas (optional)" name="schemas" id={`${prefix}-schemas`} errors={errors?.schemas} hint={hint}>
      <textarea
        name="schemas"
        id={`${prefix}-schemas`}
        rows={1}
        className="block w-full rounded-md border border-zinc-300 px-3 py-2 font-mono text-xs"
        spellCheck={false}
        defaultValue={schemas.join('\n')}
      />
    </Field>
  )
}

/** How much of a validation's differences is kept and counted per table. */
export function ValidationLimitsFields({
  prefix,
  errors,
  maxSamples,
  maxDifferences,
}: {
  prefix: string
  errors: Errors
  maxSamples: number
  maxDifferences: number
}) {
  return (
    <>
      <NumberField
        label="Samples per table"
        name="maxSamples"
        id={`${prefix}-samples`}
        errors={errors?.maxSamples}
        hint="Differing rows shown with both values."
        min={1}
        max={200}
        className="w-28"
        defaultValue={maxSamples}
      />
      <NumberField
        label="Stop a table after"
        name="maxDifferences"
        id={`${prefix}-differences`}
        errors={errors?.maxDifferences}
        hint="Differences counted before the table is suspended."
        min={1}
        className="w-32"
        defaultValue={maxDifferences}
      />
    </>
  )
}
