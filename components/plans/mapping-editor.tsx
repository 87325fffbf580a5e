'use client'

import { useMemo, useState } from 'react'
import { checkMapping, MAPPING_TYPE_EXAMPLES, type TCopyMapping } from '@/lib/domain/mapping'
import { tableMappingOf } from '@/lib/domain/mapping-lookup'
import { applyRule, removeRule, suggestRules } from '@/lib/domain/mapping-rules'
import { MappingPreview } from './mapping-preview'
import { MappingRuleList } from './mapping-rule-list'
import { useMappingSources } from './mapping-sources'
import { SourceReader } from './mapping-source-reader'
import { editColumn, editTable, listedOf, remember, rulesIn, type Listed } from './mapping-state'
import { MappingTable } from './mapping-table'
import { useInspection } from './use-inspection'

/** What the type inputs offer; any type MAPPING_TYPE_EXAMPLES names may be typed. */
const TYPE_CHOICES = [
  'smallint',
  'integer',
  'bigint',
  'numeric',
  'double precision',
  'real',
  'boolean',
  'text',
  'varchar(255)',
  'bytea',
  'date',
  'time',
  'timestamptz',
  'timestamp',
  'json',
  'jsonb',
  'uuid',
]

/**
 * A copy step's mapping, edited in the step's form and sent with it as JSON in the hidden field `mapping`. The
 * saved entries are editable at once; reading the source lists every table and column and offers the
 * one-click rules; a table's preview reads it through the mapping as it stands, saved or not.
 */
export function MappingEditor({
  prefix,
  initial,
  errors,
}: {
  prefix: string
  initial: TCopyMapping
  errors: string[] | undefined
}) {
  const sources = useMappingSources()
  const planId = sources?.planId ?? ''
  const environments = sources?.environments ?? []
  const [mapping, setMapping] = useState(initial)
  const [listed, setListed] = useState<Listed>(() => remember([], initial))
  // An unprotected environment first: anyone who may edit the step may read its source there.
  const [environmentId, setEnvironmentId] = useState(
    (environments.find((e) => !e.protected) ?? environments[0])?.id ?? '',
  )
  const reader = useInspection(planId)
  const read = reader.result?.kind === 'profile' ? reader.result : null
  const suggestions = useMemo(() => (read ? suggestRules(read.profile, read.engine) : []), [read])
  const { problems } = useMemo(() => checkMapping(mapping), [mapping])
  const applied = rulesIn(mapping)
  const shown = listedOf(read?.profile ?? null, listed)
  const update = (next: TCopyMapping) => {
    setMapping(next)
    setListed((l) => remember(l, next))
  }
  const errorId = `${prefix}-error`
  return (
    <fieldset
      className="min-w-0 space-y-3 rounded-md border border-zinc-200 p-2 sm:p-3"
      data-testid="mapping-editor"
      aria-describedby={errors?.length ? errorId : undefined}
    >
      <legend className="px-1 text-sm font-medium text-zinc-800">Mapping (optional)</legend>
      <input type="hidden" name="mapping" value={JSON.stringify(mapping)} />
      <p className="text-xs text-zinc-600">
        Rename, retype, transform and filter per table and column; what the mapping does not mention is copied as it is.
        Transforms and filters are SQL in the source&apos;s own engine and name columns as the source does. Types a
        mapping can set: {MAPPING_TYPE_EXAMPLES}.
      </p>
      <SourceReader
        prefix={prefix}
        available={sources !== null}
        environments={environments}
        environmentId={environmentId}
        onEnvironment={setEnvironmentId}
        reader={reader}
        read={read}
      />
      {errors?.length ? (
        <ul id={errorId} role="alert" className="space-y-0.5 text-xs text-red-700">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      ) : null}
      {/* Always present, so that a problem appearing while someone types is announced. */}
      <div aria-live="polite">
        {problems.length ? (
          <div className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-xs text-red-800">
            <p className="font-medium">
              {problems.length} problem{problems.length === 1 ? '' : 's'} in the mapping (the step is not saved with
              {problems.length === 1 ? ' it' : ' them'}):
            </p>
            <ul className="list-disc pl-5" data-testid="mapping-problems">
              {problems.map((p) => (
                <li key={`${p.path}: ${p.message}`}>
                  {p.path}: {p.message}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
      {read ? (
        <MappingRuleList
          prefix={prefix}
          suggestions={suggestions}
          applied={applied}
          onApply={(s) => update(applyRule(mapping, s))}
          onRemove={(rule) => update(removeRule(mapping, rule))}
        />
      ) : null}
      {shown.length ? (
        <div className="space-y-2">
          {shown.map(({ table, columns }, i) => {
            const entry = tableMappingOf(mapping, table)
            return (
              <MappingTable
                key={table}
                prefix={`${prefix}-t${i}`}
                table={table}
                columns={columns}
                entry={entry}
                profiled={read?.profile.tables.find((t) => t.name === table)}
                problems={problems.filter((p) => p.path === table || columns.some((c) => p.path === `${table}.${c}`))}
                typesListId={`${prefix}-types`}
                defaultOpen={entry !== undefined || shown.length <= 5}
                onTable={(edit) => update(editTable(mapping, table, edit))}
                onColumn={(column, edit) => update(editColumn(mapping, table, column, edit))}
                preview={
                  environmentId ? (
                    <MappingPreview planId={planId} environmentId={environmentId} table={table} mapping={mapping} />
                  ) : null
                }
              />
            )
          })}
        </div>
      ) : (
        <p className="text-xs text-zinc-600">No entries yet: every table and column is copied as it is.</p>
      )}
      <datalist id={`${prefix}-types`}>
        {TYPE_CHOICES.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
    </fieldset>
  )
}
