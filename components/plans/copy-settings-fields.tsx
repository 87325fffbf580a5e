'use client'

import { useState } from 'react'
import { ErrorText } from '@/components/ui/error-text'
import { NumberField } from '@/components/ui/field'
import type { CopyConfig } from '@/lib/domain/step-kinds'
import { ExistingRowsField } from './existing-rows-field'
import { MappingEditor } from './mapping-editor'
import { SchemasField, TablesField } from './step-fields'

type Errors = Record<string, string[]> | undefined

/**
 * What a copy copies and how: tables, schemas, where the rows go (and what happens to rows already there),
 * the mapping, connections, chunk size and rejected rows allowed. Shared by the copy step's form and a sync
 * step's own copy settings, so both send the same fields to the same schema.
 */
export function CopySettingsFields({ prefix, errors, config }: { prefix: string; errors: Errors; config: CopyConfig }) {
  const [mode, setMode] = useState(config.mode)
  const [tablesText, setTablesText] = useState(config.tables.join('\n'))
  return (
    <>
      <TablesField
        prefix={prefix}
        errors={errors}
        tables={config.tables}
        onChange={setTablesText}
        hint="One per line or separated by commas (schema.table where it is not public). Empty: every table of the source."
      />
      <SchemasField prefix={prefix} errors={errors} schemas={config.schemas} />
      <fieldset className="space-y-1 text-sm">
        <legend className="font-medium">Where the rows go</legend>
        <label className="flex items-start gap-2">
          <input
            type="radio"
            name="mode"
            value="create"
            checked={mode === 'create'}
            onChange={() => setMode('create')}
            className="mt-1 size-4 shrink-0 accent-indigo-600"
          />
          <span>
            Create the tables from the source&apos;s schema{' '}
            <span className="text-zinc-500">
              – types translated, keys, indexes and foreign keys added after the load
            </span>
          </span>
        </label>
        <label className="flex items-start gap-2">
          <input
            type="radio"
            name="mode"
            value="existing"
            checked={mode === 'existing'}
            onChange={() => setMode('existing')}
            className="mt-1 size-4 shrink-0 accent-indigo-600"
          />
          <span>
            Into existing tables{' '}
            <span className="text-zinc-500">
              – made by the application&apos;s own migrations; parents before children
            </span>
          </span>
        </label>
        <ErrorText message={errors?.mode?.[0] ?? null} />
      </fieldset>
      {mode === 'existing' ? (
        <ExistingRowsField prefix={prefix} errors={errors} config={config} tablesText={tablesText} />
      ) : null}
      <MappingEditor prefix={`${prefix}-map`} initial={config.mapping} errors={errors?.mapping} />
      <div className="flex flex-wrap gap-4">
        <NumberField
          label="Connections"
          name="jobs"
          id={`${prefix}-jobs`}
          errors={errors?.jobs}
          hint="Tables, or ranges of a large table, at once (1–16)."
          min={1}
          max={16}
          className="w-28"
          defaultValue={config.jobs}
        />
        <NumberField
          label="Rows per chunk"
          name="chunkRows"
          id={`${prefix}-chunk`}
          errors={errors?.chunkRows}
          hint="Committed together; a resumed copy restarts at most one chunk."
          min={100}
          className="w-32"
          defaultValue={config.chunkRows}
        />
        <NumberField
          label="Rejected rows allowed"
          name="maxRejectedRows"
          id={`${prefix}-rejects`}
          errors={errors?.maxRejectedRows}
          hint="More fail the step. Rejected rows are listed on the run."
          min={0}
          className="w-32"
          defaultValue={config.maxRejectedRows}
        />
      </div>
    </>
  )
}
