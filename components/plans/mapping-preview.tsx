'use client'

import { useState } from 'react'
import { Button } from '@/components/ui/button'
import { cn } from '@/components/ui/cn'
import { ErrorText } from '@/components/ui/error-text'
import type { TCopyMapping } from '@/lib/domain/mapping'
import { tableMappingOf } from '@/lib/domain/mapping-lookup'
import { PREVIEW_ROWS, type PreviewCell, type TablePreview } from '@/lib/domain/source-inspection'
import { useInspection } from './use-inspection'

const STATE_WORDS = { REQUESTED: 'asking', QUEUED: 'queued', RUNNING: 'reading' } as const

/** A table read through the mapping as it stands (saved or not): the target's CREATE TABLE and its first rows. */
export function MappingPreview({
  planId,
  environmentId,
  table,
  mapping,
}: {
  planId: string
  environmentId: string
  table: string
  mapping: TCopyMapping
}) {
  const inspection = useInspection(planId)
  const json = JSON.stringify(mapping)
  const [asked, setAsked] = useState<{ json: string; filtered: boolean } | null>(null)
  const preview = inspection.result?.kind === 'preview' ? inspection.result.preview : null
  return (
    <div className="space-y-2 border-t border-zinc-100 pt-3" data-testid="mapping-preview">
      <div className="flex flex-wrap items-center gap-2">
        <Button
          size="sm"
          variant="secondary"
          disabled={inspection.live || !environmentId}
          onClick={() => {
            setAsked({ json, filtered: tableMappingOf(mapping, table)?.filter !== undefined })
            inspection.request({ environmentId, kind: 'preview', table, mapping: json })
          }}
        >
          Preview
          <span className="sr-only"> {table}</span>
        </Button>
        <span className="text-xs text-zinc-600" role="status">
          {inspection.live && inspection.state && inspection.state in STATE_WORDS
            ? `Reading the first ${PREVIEW_ROWS} rows through the mapping… (${STATE_WORDS[inspection.state as keyof typeof STATE_WORDS]})`
            : preview && asked && asked.json !== json
              ? 'The mapping has changed since this preview: preview again to see the change.'
              : ''}
        </span>
      </div>
      <ErrorText message={inspection.failure} />
      {preview ? (
        <PreviewResult preview={preview} filtered={asked?.filtered ?? preview.keptRows < preview.totalRows} />
      ) : null}
    </div>
  )
}

function PreviewResult({ preview, filtered }: { preview: TablePreview; filtered: boolean }) {
  const rejected = preview.rows.filter((r) => r.cells.some((c) => c.misfit !== undefined)).length
  return (
    <div className="space-y-2 text-xs">
      <p className="text-sm text-zinc-800" data-testid="preview-summary">
        {filtered
          ? `${preview.keptRows.toLocaleString('en')} of ${preview.totalRows.toLocaleString('en')} rows kept by the filter`
          : `${preview.totalRows.toLocaleString('en')} rows, no filter`}
        {rejected ? ` · ${rejected} of the ${preview.rows.length} rows shown would be rejected (marked below)` : ''}
      </p>
      {preview.warnings.length ? (
        <ul className="list-disc space-y-0.5 pl-5 text-amber-800" aria-label="Warnings of the preview">
          {preview.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
      <p className="font-medium text-zinc-700">
        On the target: <span className="font-mono">{preview.targetName}</span>
      </p>
      <pre
        className="max-h-64 overflow-auto rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 font-mono text-xs"
        aria-label={`CREATE TABLE of ${preview.targetName}`}
      >
        {preview.createTable}
      </pre>
      <div className="relative overflow-x-auto rounded-md border border-zinc-200">
        <table className="min-w-full text-left font-mono text-xs">
          <caption className="sr-only">The first rows of {preview.targetName} as they will arrive</caption>
          <thead className="bg-zinc-50 align-bottom text-zinc-700">
            <tr>
              <th
                scope="col"
                className="sticky left-0 z-10 border-r border-zinc-100 bg-zinc-50 px-2 py-1.5 font-sans font-medium"
              >
                Key
              </th>
              {preview.columns.map((c) => (
                <th key={c.name} scope="col" className="px-2 py-1.5 font-medium whitespace-nowrap">
                  {c.name} <span className="font-normal text-zinc-500">{c.type}</span>
                  {c.transform || c.source !== c.name ? (
                    <span className="block font-normal text-zinc-500">
                      {c.transform ? `= ${c.transform}` : `from ${c.source}`}
                    </span>
                  ) : null}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {preview.rows.map((row) => (
              <tr key={row.key}>
                {/* The key stays in view as the row scrolls sideways; a long one is cut on screen, read in full. */}
                <th
                  scope="row"
                  title={row.key}
                  className="sticky left-0 z-10 max-w-40 truncate border-r border-zinc-100 bg-white px-2 py-1 text-left align-top font-normal text-zinc-600"
                >
                  {row.key}
                </th>
                {row.cells.map((cell, i) => (
                  <PreviewValue key={preview.columns[i]?.name ?? i} cell={cell} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}

// Short values stay on one line (the table scrolls sideways); long text wraps in a column of its own width.
const LONG_VALUE = 40

/** A value as it will arrive; one that does not fit is marked in colour and in words, the reason written out. */
function PreviewValue({ cell }: { cell: PreviewCell }) {
  const value = cell.value === null ? <span className="text-zinc-400 italic">NULL</span> : <span>{cell.value}</span>
  const long = (cell.value?.length ?? 0) > LONG_VALUE
  const fit = long ? 'min-w-64 max-w-96 break-words' : 'whitespace-nowrap'
  if (cell.misfit === undefined) return <td className={cn('px-2 py-1 align-top', fit)}>{value}</td>
  return (
    <td
      className={cn('min-w-48 bg-red-50 px-2 py-1 align-top text-red-900 ring-1 ring-red-300 ring-inset', fit)}
      data-testid="preview-misfit"
    >
      <span aria-hidden="true">⚠ </span>
      {value}
      <span className="mt-0.5 block font-sans text-[11px] whitespace-normal text-red-800">Rejected: {cell.misfit}</span>
    </td>
  )
}
