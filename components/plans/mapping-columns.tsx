'use client'

import { RULE_LABELS, type MappingProblem, type MappingRule, type TTableMapping } from '@/lib/domain/mapping'
import type { ProfiledTable } from '@/lib/domain/source-profile'
import { cn } from '@/components/ui/cn'
import type { ColumnEdit } from './mapping-state'

const CELL_INPUT =
  'block w-full min-w-36 rounded-md border border-zinc-300 bg-white px-2 py-1 font-mono text-xs placeholder:text-zinc-500 focus:border-indigo-500 disabled:bg-zinc-100 disabled:text-zinc-400 aria-invalid:border-red-500'

/** The one-click rule that wrote an entry, said as such to screen readers. */
export function RuleMark({ rule }: { rule: MappingRule | undefined }) {
  if (!rule) return null
  return (
    <span
      className="mt-0.5 inline-block rounded bg-indigo-50 px-1.5 text-[11px] text-indigo-800"
      data-testid="rule-mark"
    >
      <span className="sr-only">written by the rule </span>
      {RULE_LABELS[rule]}
    </span>
  )
}

const KIND_NAMES: Record<string, string> = { double: 'double precision' }

/** A source table's columns, each with its new name, target type, transform and whether it is left out. */
export function MappingColumns({
  prefix,
  table,
  columns,
  entry,
  profiled,
  problems,
  typesListId,
  onColumn,
}: {
  prefix: string
  table: string
  columns: string[]
  entry: TTableMapping | undefined
  profiled: ProfiledTable | undefined
  problems: MappingProblem[]
  typesListId: string
  onColumn: (column: string, edit: ColumnEdit) => void
}) {
  if (!columns.length) return null
  return (
    // Wider than a phone: the grid scrolls sideways inside its own box, the page does not.
    <div className="relative overflow-x-auto rounded-md border border-zinc-200">
      <table className="min-w-full text-left text-xs">
        <caption className="sr-only">Columns of {table}</caption>
        <thead className="bg-zinc-50 text-zinc-600">
          <tr>
            <th scope="col" className="sticky left-0 z-10 border-r border-zinc-100 bg-zinc-50 px-2 py-1.5 font-medium">
              Column
            </th>
            <th scope="col" className="px-2 py-1.5 font-medium">
              New name
            </th>
            <th scope="col" className="px-2 py-1.5 font-medium">
              Target type (blank: the copy&apos;s rule)
            </th>
            <th scope="col" className="px-2 py-1.5 font-medium">
              Transform (SQL of the source)
            </th>
            <th scope="col" className="px-2 py-1.5 font-medium">
              Leave out
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {columns.map((column, i) => {
            const c = entry?.columns.find((x) => x.column === column)
            const source = profiled?.columns.find((x) => x.name === column)
            const path = `${table}.${column}`
            const own = problems.filter((p) => p.path === path)
            const id = `${prefix}-c${i}`
            const problemId = own.length ? `${id}-problem` : undefined
            const omitted = !!c?.omit
            const input = (key: 'rename' | 'type' | 'transform', label: string, placeholder?: string) => (
              <>
                <label htmlFor={`${id}-${key}`} className="sr-only">
                  {label} {path}
                </label>
                <input
                  id={`${id}-${key}`}
                  value={c?.[key] ?? ''}
                  onChange={(e) => onColumn(column, { [key]: e.target.value })}
                  disabled={omitted}
                  placeholder={placeholder}
                  list={key === 'type' ? typesListId : undefined}
                  spellCheck={false}
                  autoComplete="off"
                  aria-invalid={own.length ? true : undefined}
                  aria-describedby={problemId}
                  className={CELL_INPUT}
                />
              </>
            )
            return (
              <tr
                key={column}
                className={cn(own.length ? 'bg-red-50' : omitted ? 'bg-zinc-50 text-zinc-500' : 'bg-white')}
              >
                {/* The column's name stays in view while the grid scrolls sideways on a phone. */}
                <th
                  scope="row"
                  className="sticky left-0 z-10 border-r border-zinc-100 bg-inherit px-2 py-1.5 align-top font-normal"
                >
                  <span className="font-mono text-zinc-900">{column}</span>
                  {source ? (
                    <span className="block text-zinc-500">
                      {source.sourceType || 'no type'}
                      {source.isPrimaryKey ? ' · primary key' : ''}
                    </span>
                  ) : null}
                  {own.length ? (
                    <span id={problemId} className="block text-red-700">
                      <span aria-hidden="true">⚠ </span>
                      {own.map((p) => p.message).join('; ')}
                    </span>
                  ) : null}
                </th>
                <td className="px-2 py-1.5 align-top">
                  {input('rename', 'New name of', column)}
                  <RuleMark rule={c?.renameRule} />
                </td>
                <td className="px-2 py-1.5 align-top">
                  {input('type', 'Target type of', source ? (KIND_NAMES[source.kind] ?? source.kind) : undefined)}
                  <RuleMark rule={c?.type !== undefined ? c.rule : undefined} />
                </td>
                <td className="px-2 py-1.5 align-top">
                  {input('transform', 'Transform of')}
                  <RuleMark rule={c?.type === undefined ? c?.rule : undefined} />
                </td>
                <td className="px-2 py-1.5 align-top">
                  <label className="flex items-center gap-1.5">
                    <input
                      type="checkbox"
                      checked={omitted}
                      disabled={!!source?.isPrimaryKey && !omitted}
                      onChange={(e) => onColumn(column, { omit: e.target.checked })}
                      className="size-4 accent-indigo-600"
                    />
                    <span className="sr-only">Leave out {path}</span>
                    <span aria-hidden="true">{omitted ? 'left out' : ''}</span>
                  </label>
                  {source?.isPrimaryKey ? <span className="block text-zinc-500">a key stays</span> : null}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
