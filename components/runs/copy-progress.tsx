'use client'

import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Badge, type BadgeTone } from '@/components/ui/badge'
import { Button } from '@/components/ui/button'
import { ErrorText } from '@/components/ui/error-text'
import { ProgressBar } from '@/components/ui/progress-bar'
import { Table, Td, Th } from '@/components/ui/table'
import type { RunDTO } from '@/lib/server/runs/queries'
import { runQueries } from '@/lib/queries/runs'
import { formatSeconds } from '@/lib/domain/words'

type CopyStep = RunDTO['steps'][number] & { copy: NonNullable<RunDTO['steps'][number]['copy']> }

const STATE_TONES: Record<string, BadgeTone> = {
  pending: 'neutral',
  copying: 'info',
  indexing: 'info',
  done: 'success',
  failed: 'danger',
}
const STATE_LABELS: Record<string, string> = {
  pending: 'waiting',
  copying: 'copying',
  indexing: 'keys and indexes',
  done: 'done',
  failed: 'failed',
}
const n = (v: number) => v.toLocaleString('en')

/** A copy step's tables: live rows, rate and time left while it runs; pgloader's summary once it ended. */
export function CopyProgress({ runId, step }: { runId: string; step: CopyStep }) {
  const { copy } = step
  const total = copy.tables.reduce(
    (sum, t) => ({
      read: sum.read + t.written + t.rejected,
      written: sum.written + t.written,
      rejected: sum.rejected + t.rejected,
      rows: sum.rows + t.total,
    }),
    { read: 0, written: 0, rejected: 0, rows: 0 },
  )
  return (
    <div className="w-full space-y-2" data-testid="copy-progress">
      <p className="text-xs text-zinc-600">
        From <strong>{copy.source}</strong> ·{' '}
        {copy.mode === 'create' ? 'tables created on the target' : 'into the existing tables'}
        {copy.status === 'ALREADY_COPIED' ? ' · already copied earlier; nothing done' : ''}
        {copy.workers ? (
          <span data-testid="copy-workers">
            {' '}
            · {copy.workers === 1 ? '1 worker' : `${copy.workers} workers`} copying
          </span>
        ) : null}
        {copy.seconds !== undefined
          ? ` · ${formatSeconds(copy.seconds)} in all${copy.indexSeconds ? `, of which keys and indexes ${formatSeconds(copy.indexSeconds)}` : ''}`
          : ''}
      </p>
      {copy.existingRows ? (
        <p
          className="rounded-md border border-amber-200 bg-amber-50 px-2 py-1 text-xs text-amber-900"
          data-testid="copy-existing-rows"
        >
          {copy.existingRows.done === 'emptied'
            ? 'Emptied on the target before the load: '
            : 'Merged by primary key into the rows already on the target: '}
          {copy.existingRows.described}
        </p>
      ) : null}
      <Table caption={`Tables of ${step.name}`}>
        <thead>
          <tr>
            <Th>Table</Th>
            <Th>State</Th>
            <Th className="w-48">Progress</Th>
            <Th className="text-right">Read</Th>
            <Th className="text-right">Written</Th>
            <Th className="text-right">Rejected</Th>
            <Th className="text-right">Rows/s</Th>
            <Th className="text-right">Time</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {copy.tables.map((t) => (
            <tr key={t.table}>
              <Td className="font-mono text-xs">{t.table}</Td>
              <Td>
                <Badge tone={STATE_TONES[t.state] ?? 'neutral'}>{STATE_LABELS[t.state] ?? t.state}</Badge>
              </Td>
              <Td>
                <ProgressBar
                  value={t.total ? ((t.written + t.rejected) / t.total) * 100 : t.state === 'done' ? 100 : 0}
                  label={`${t.table}: rows copied`}
                />
              </Td>
              <Td className="text-right tabular-nums">{n(t.written + t.rejected)}</Td>
              <Td className="text-right tabular-nums">{n(t.written)}</Td>
              <Td className={`text-right tabular-nums ${t.rejected ? 'font-medium text-red-700' : ''}`}>
                {n(t.rejected)}
              </Td>
              <Td className="text-right tabular-nums">{t.rowsPerSecond ? n(t.rowsPerSecond) : '–'}</Td>
              <Td className="text-right tabular-nums">
                {formatSeconds(t.seconds)}
                {t.state === 'copying' && t.etaSeconds !== null ? (
                  <span className="block text-xs text-zinc-500">{formatSeconds(t.etaSeconds)} left</span>
                ) : null}
              </Td>
            </tr>
          ))}
          <tr className="font-medium">
            <Td>Total</Td>
            <Td />
            <Td>
              <ProgressBar value={total.rows ? (total.read / total.rows) * 100 : 0} label="All tables: rows copied" />
            </Td>
            <Td className="text-right tabular-nums">{n(total.read)}</Td>
            <Td className="text-right tabular-nums">{n(total.written)}</Td>
            <Td className="text-right tabular-nums">{n(total.rejected)}</Td>
            <Td />
            <Td />
          </tr>
        </tbody>
      </Table>
      {copy.warnings?.length ? (
        <details className="text-xs text-amber-900">
          <summary className="cursor-pointer">
            {copy.warnings.length} warning{copy.warnings.length === 1 ? '' : 's'} about the schema
          </summary>
          <ul className="mt-1 list-disc pl-5">
            {copy.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </details>
      ) : null}
      {copy.notes?.length ? (
        <details className="text-xs text-zinc-700" data-testid="copy-notes">
          <summary className="cursor-pointer">
            How the values were read ({copy.notes.length} column{copy.notes.length === 1 ? '' : 's'})
          </summary>
          <ul className="mt-1 list-disc pl-5">
            {copy.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </details>
      ) : null}
      {copy.notCopied?.length ? (
        <details className="text-xs text-amber-900" data-testid="copy-not-copied">
          <summary className="cursor-pointer">
            {copy.notCopied.length} object{copy.notCopied.length === 1 ? '' : 's'} of the source not copied
          </summary>
          <ul className="mt-1 list-disc pl-5">
            {copy.notCopied.map((item) => (
              <li key={`${item.table ?? ''}\u0000${item.object}`}>
                {item.table ? `${item.table}: ` : ''}
                <strong>{item.object}</strong> – {item.reason}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {copy.rejectedValues ? <RejectedRows runId={runId} stepRunId={step.id} /> : null}
    </div>
  )
}

/** The rejected rows of a copy step, a page at a time, filtered by table and column. */
function RejectedRows({ runId, stepRunId }: { runId: string; stepRunId: string }) {
  const [filter, setFilter] = useState('')
  const [offset, setOffset] = useState(0)
  const [table = '', column = ''] = filter ? filter.split('\u0000') : []
  const { data, error, isFetching } = useQuery(
    runQueries.rejects(runId, { step: stepRunId, offset, ...(table ? { table, column } : {}) }),
  )
  const end = data ? data.offset + data.rows.length : 0
  return (
    <section
      className="space-y-2 rounded-md border border-red-200 bg-red-50/40 p-3"
      aria-label="Rejected rows"
      data-testid="copy-rejects"
    >
      <div className="flex flex-wrap items-center gap-3">
        <h3 className="text-sm font-semibold text-red-900">Rejected rows</h3>
        <label className="flex items-center gap-2 text-xs">
          Show
          <select
            className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-xs"
            value={filter}
            onChange={(e) => {
              setFilter(e.target.value)
              setOffset(0)
            }}
          >
            <option value="">all tables and columns</option>
            {data?.groups.map((g) => (
              <option key={`${g.table}.${g.column}`} value={`${g.table}\u0000${g.column}`}>
                {g.table}.{g.column} ({n(g.rows)})
              </option>
            ))}
          </select>
        </label>
        {isFetching ? <span className="text-xs text-zinc-500">Loading…</span> : null}
      </div>
      <ErrorText message={error ? error.message : null} />
      {data ? (
        <>
          <Table caption="Rejected rows">
            <thead>
              <tr>
                <Th>Table</Th>
                <Th>Key</Th>
                <Th>Column</Th>
                <Th>Value</Th>
                <Th>Reason</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 bg-white">
              {data.rows.map((r) => (
                <tr key={r.id}>
                  <Td className="font-mono text-xs">{r.table}</Td>
                  <Td className="font-mono text-xs">{r.key}</Td>
                  <Td className="font-mono text-xs">{r.column}</Td>
                  <Td className="max-w-48 truncate font-mono text-xs" title={r.value ?? ''}>
                    {r.value ?? <span className="text-zinc-500">NULL</span>}
                  </Td>
                  {/* Wide enough to read on a phone: the table scrolls in its region rather than squeeze the reason. */}
                  <Td className="min-w-64 text-xs">{r.reason}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
          <div className="flex items-center gap-2 text-xs text-zinc-600">
            <span>
              {data.total ? `${n(data.offset + 1)}–${n(end)} of ${n(data.total)}` : 'None'} (a row with several misfits
              is listed once per column)
            </span>
            <Button
              size="sm"
              variant="ghost"
              disabled={data.offset === 0}
              onClick={() => setOffset(Math.max(0, data.offset - data.pageSize))}
            >
              Previous
            </Button>
            <Button size="sm" variant="ghost" disabled={end >= data.total} onClick={() => setOffset(end)}>
              Next
            </Button>
          </div>
        </>
      ) : null}
    </section>
  )
}
