'use client'

import { useState, type ReactNode } from 'react'
import type { MappingProblem, TTableMapping } from '@/lib/domain/mapping'
import type { ProfiledTable } from '@/lib/domain/source-profile'
import { cn } from '@/components/ui/cn'
import { MappingColumns, RuleMark } from './mapping-columns'
import type { ColumnEdit, TableEdit } from './mapping-state'

const INPUT =
  'block w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 font-mono text-xs placeholder:text-zinc-500 focus:border-indigo-500 aria-invalid:border-red-500'

/** “3 columns changed · filtered” – what the mapping does to a table, for its folded line. */
function changes(entry: TTableMapping | undefined): string {
  if (!entry) return 'copied as it is'
  const n = entry.columns.length
  return [
    entry.rename ? `→ ${entry.rename}` : null,
    n ? `${n} column${n === 1 ? '' : 's'} changed` : null,
    entry.filter ? 'filtered' : null,
  ]
    .filter(Boolean)
    .join(' · ')
}

/** One source table in the mapping editor: its new name, its filter, its columns, and its preview below. */
export function MappingTable({
  prefix,
  table,
  columns,
  entry,
  profiled,
  problems,
  typesListId,
  defaultOpen,
  onTable,
  onColumn,
  preview,
}: {
  prefix: string
  table: string
  columns: string[]
  entry: TTableMapping | undefined
  profiled: ProfiledTable | undefined
  problems: MappingProblem[]
  typesListId: string
  defaultOpen: boolean
  onTable: (edit: TableEdit) => void
  onColumn: (column: string, edit: ColumnEdit) => void
  preview: ReactNode
}) {
  // A folded table renders nothing inside: a source of hundreds of tables stays quick to edit.
  const [open, setOpen] = useState(defaultOpen)
  const [wasOpenByDefault, setWasOpenByDefault] = useState(defaultOpen)
  if (defaultOpen !== wasOpenByDefault) {
    setWasOpenByDefault(defaultOpen)
    if (defaultOpen) setOpen(true)
  }
  const own = problems.filter((p) => p.path === table)
  const problemId = own.length ? `${prefix}-problem` : undefined
  return (
    <details
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
      className={cn('rounded-md border bg-white', own.length ? 'border-red-300' : 'border-zinc-200')}
      data-testid="mapping-table"
    >
      <summary className="flex cursor-pointer flex-wrap items-baseline gap-x-2 px-2 py-2 text-sm sm:px-3">
        <span className="font-mono font-medium text-zinc-900">{table}</span>
        <span className="text-xs text-zinc-600">{changes(entry)}</span>
        {problems.length ? (
          <span className="text-xs text-red-700">
            <span aria-hidden="true">⚠ </span>
            {problems.length} problem{problems.length === 1 ? '' : 's'}
          </span>
        ) : null}
      </summary>
      {open ? (
        <div className="space-y-3 border-t border-zinc-100 px-2 py-3 sm:px-3">
          {own.length ? (
            <p id={problemId} className="text-xs text-red-700">
              <span aria-hidden="true">⚠ </span>
              {own.map((p) => `${table}: ${p.message}`).join('; ')}
            </p>
          ) : null}
          <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
            <div className="min-w-0 space-y-1">
              <label htmlFor={`${prefix}-rename`} className="block text-xs font-medium text-zinc-700">
                New name<span className="sr-only"> of {table}</span>
              </label>
              <input
                id={`${prefix}-rename`}
                value={entry?.rename ?? ''}
                onChange={(e) => onTable({ rename: e.target.value })}
                placeholder={table}
                spellCheck={false}
                autoComplete="off"
                aria-invalid={own.length ? true : undefined}
                aria-describedby={problemId}
                className={INPUT}
              />
              <RuleMark rule={entry?.renameRule} />
            </div>
            <div className="min-w-0 space-y-1">
              <label htmlFor={`${prefix}-filter`} className="block text-xs font-medium text-zinc-700">
                Filter<span className="sr-only"> of {table}</span>
              </label>
              <textarea
                id={`${prefix}-filter`}
                value={entry?.filter ?? ''}
                onChange={(e) => onTable({ filter: e.target.value })}
                rows={entry?.filter && entry.filter.length > 60 ? 3 : 1}
                placeholder={'e.g. "deletedAt" IS NULL'}
                spellCheck={false}
                aria-invalid={own.length ? true : undefined}
                aria-describedby={[problemId, `${prefix}-filter-hint`].filter(Boolean).join(' ')}
                className={INPUT}
              />
              <p id={`${prefix}-filter-hint`} className="text-xs text-zinc-600">
                SQL in the source&apos;s engine; only the rows for which it is true are copied and validated.
              </p>
              <RuleMark rule={entry?.filterRule} />
            </div>
          </div>
          <MappingColumns
            prefix={prefix}
            table={table}
            columns={columns}
            entry={entry}
            profiled={profiled}
            problems={problems}
            typesListId={typesListId}
            onColumn={onColumn}
          />
          {profiled ? null : (
            <p className="text-xs text-zinc-600">
              The saved entries only: read the source to list every column of {table}.
            </p>
          )}
          {preview}
        </div>
      ) : null}
    </details>
  )
}
