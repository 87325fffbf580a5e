'use client'

import { useQuery } from '@tanstack/react-query'
import Link from 'next/link'
import { useState } from 'react'
import { Badge, type BadgeTone } from '@/components/ui/badge'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { ProgressBar } from '@/components/ui/progress-bar'
import { Table, Td, Th } from '@/components/ui/table'
import { Timestamp } from '@/components/ui/timestamp'
import { cancelValidationAction } from '@/lib/actions/validations'
import type { Difference, TableResult, TableState } from '@/lib/domain/validation-report'
import { isLiveValidation, validationQueries } from '@/lib/queries/validations'
import type { ValidationDTO } from '@/lib/server/validations/queries'
import { ValidationStatusBadge } from './validation-status'

const STATE_TONES: Record<TableState, BadgeTone> = {
  PENDING: 'neutral',
  VALIDATING: 'info',
  VALIDATED: 'success',
  MISMATCHED: 'danger',
  NO_PRIMARY_KEY: 'warning',
  ERROR: 'danger',
}
const STATE_LABELS: Record<TableState, string> = {
  PENDING: 'pending',
  VALIDATING: 'validating',
  VALIDATED: 'validated',
  MISMATCHED: 'mismatched',
  NO_PRIMARY_KEY: 'no primary key',
  ERROR: 'error',
}
const METHOD_LABELS: Record<NonNullable<TableResult['method']>, string> = {
  'key-ranges': 'checksums by key range',
  'key-hash': 'checksums by key hash',
  'whole-table': 'count and whole-table checksum',
  'changed-rows': 'count, and the rows changed since the last full validation',
}
const KIND_LABELS: Record<Difference['kind'], string> = {
  missing: 'missing on the target',
  extra: 'extra on the target',
  changed: 'changed',
}
const n = (v: number | null) => (v === null ? '–' : v.toLocaleString('en'))

function Value({ value }: { value: string | null }) {
  return value === null ? (
    <span className="text-zinc-500 italic">NULL</span>
  ) : (
    <span className="break-all whitespace-pre-wrap">{value}</span>
  )
}

/** A differing row: for a changed row the differing columns, source beside target; for a missing or extra row all its values. */
function DifferenceRow({ difference }: { difference: Difference }) {
  return (
    <li className="rounded-md border border-zinc-200 bg-white p-2">
      <p className="text-xs">
        <span className="font-mono font-medium">{difference.key}</span> ·{' '}
        <span className={difference.kind === 'changed' ? 'text-amber-800' : 'text-red-700'}>
          {KIND_LABELS[difference.kind]}
        </span>
      </p>
      <table className="mt-1 w-full text-xs">
        <thead>
          <tr className="text-left text-zinc-500">
            <th className="w-40 py-0.5 pr-2 font-medium">Column</th>
            <th className="py-0.5 pr-2 font-medium">Source</th>
            <th className="py-0.5 font-medium">Target</th>
          </tr>
        </thead>
        <tbody className="font-mono">
          {difference.columns.map((c) => (
            <tr key={c.column} className="border-t border-zinc-100">
              <td className="py-0.5 pr-2 text-zinc-600">{c.column}</td>
              <td className={`py-0.5 pr-2 ${difference.kind === 'changed' ? 'bg-red-50' : ''}`}>
                {difference.kind === 'extra' ? <span className="text-zinc-500">–</span> : <Value value={c.source} />}
              </td>
              <td className={`py-0.5 ${difference.kind === 'changed' ? 'bg-emerald-50' : ''}`}>
                {difference.kind === 'missing' ? <span className="text-zinc-500">–</span> : <Value value={c.target} />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </li>
  )
}

function TableRow({ t }: { t: TableResult }) {
  const [open, setOpen] = useState(false)
  const differences = t.missing + t.extra + t.changed
  return (
    <>
      <tr>
        <Td className="font-mono text-xs">{t.table}</Td>
        <Td className="text-right tabular-nums">{n(t.sourceRows)}</Td>
        <Td className="text-right tabular-nums">{n(t.targetRows)}</Td>
        <Td>
          <Badge tone={STATE_TONES[t.state]}>{STATE_LABELS[t.state]}</Badge>
          {t.state === 'VALIDATING' && t.sourceRows ? (
            <div className="mt-1 w-32">
              <ProgressBar
                value={Math.min(100, Math.round((t.compared / Math.max(1, t.sourceRows, t.targetRows ?? 0)) * 100))}
                label={`${t.table} compared`}
              />
            </div>
          ) : null}
        </Td>
        <Td className="text-right tabular-nums">{t.missing ? n(t.missing) : '–'}</Td>
        <Td className="text-right tabular-nums">{t.extra ? n(t.extra) : '–'}</Td>
        <Td className="text-right tabular-nums">{t.changed ? n(t.changed) : '–'}</Td>
        <Td className="text-xs text-zinc-600">
          {t.method ? METHOD_LABELS[t.method] : null}
          {t.notes.map((note) => (
            <span key={note} className="block">
              {note}
            </span>
          ))}
          {t.error ? <span className="block text-red-700">{t.error}</span> : null}
          {t.samples.length ? (
            <button
              type="button"
              onClick={() => setOpen(!open)}
              aria-expanded={open}
              className="mt-1 block font-medium text-indigo-700 hover:underline"
            >
              {open ? 'Hide' : 'Show'} {t.samples.length === differences ? '' : `${t.samples.length} of `}
              {differences.toLocaleString('en')} differing row{differences === 1 ? '' : 's'}
            </button>
          ) : null}
        </Td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={8} className="bg-zinc-50 px-4 py-2">
            <ul className="space-y-2" aria-label={`Differing rows of ${t.table}`}>
              {t.samples.map((d) => (
                <DifferenceRow key={`${d.kind}-${d.key}`} difference={d} />
              ))}
            </ul>
          </td>
        </tr>
      ) : null}
    </>
  )
}

// The history's rows follow the same query, so both show the same result.
function useValidation(id: string, initial?: ValidationDTO) {
  return useQuery({ ...validationQueries.detail(id), initialData: initial })
}

/** A validate step's validation, on the run page: the same view, loaded by its id. */
export function StepValidation({ validationId }: { validationId: string }) {
  const { data, isError } = useValidation(validationId)
  if (isError && !data)
    return <p className="text-sm text-red-700">The validation could not be loaded; reload the page.</p>
  return data ? (
    <ValidationReportView initial={data} />
  ) : (
    <p className="text-sm text-zinc-600">Loading the validation…</p>
  )
}

/** One validation: per table counts on both sides, state and differing rows; the target's integrity and the rules – live while it runs. */
export function ValidationReportView({ initial }: { initial: ValidationDTO }) {
  const { data: validation = initial } = useValidation(initial.id, initial)
  const report = validation.report
  return (
    <section aria-labelledby={`validation-${validation.id}`} className="space-y-4" data-testid="validation-report">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 id={`validation-${validation.id}`} className="flex items-center gap-2 text-lg font-semibold">
            Validation of {validation.environmentName} <ValidationStatusBadge status={validation.status} />
          </h2>
          <p className="text-xs text-zinc-600">
            {report ? (
              <>
                {report.source} → {report.target} ·{' '}
              </>
            ) : null}
            asked <Timestamp iso={validation.createdAt} />
            {validation.requestedByName ? ` by ${validation.requestedByName}` : ''}
            {validation.runId ? (
              <>
                {' '}
                · by a step of{' '}
                <Link href={`/runs/${validation.runId}`} className="text-indigo-700 underline hover:no-underline">
                  this run
                </Link>
              </>
            ) : null}
            {report && !isLiveValidation(validation.status) ? ` · took ${report.seconds.toFixed(1)} s` : ''}
            {validation.requestedTables.length
              ? ` · only ${validation.requestedTables.join(', ')} (success criteria are decided by validations of every table)`
              : ''}
          </p>
        </div>
        {validation.canCancel ? (
          <ConfirmDialog
            triggerLabel="Cancel validation"
            title="Cancel this validation?"
            description="It stops at the next table or segment; nothing on either database changes (a validation only reads)."
            confirmLabel="Cancel validation"
            onConfirm={async () => {
              const result = await cancelValidationAction({ validationId: validation.id })
              return result.ok ? null : result.error
            }}
          />
        ) : null}
      </div>
      {validation.status === 'QUEUED' ? (
        <p className="text-sm text-zinc-600">Waiting for the worker to pick it up…</p>
      ) : null}
      {validation.error ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {validation.error}
        </p>
      ) : null}
      {report ? (
        <>
          <Table caption="Tables compared">
            <thead>
              <tr>
                <Th>Table</Th>
                <Th className="text-right">Source rows</Th>
                <Th className="text-right">Target rows</Th>
                <Th>State</Th>
                <Th className="text-right">Missing</Th>
                <Th className="text-right">Extra</Th>
                <Th className="text-right">Changed</Th>
                <Th>How, and what was found</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {report.tables.map((t) => (
                <TableRow key={t.table} t={t} />
              ))}
            </tbody>
          </Table>
          <div className="grid gap-4 md:grid-cols-2">
            <section aria-labelledby={`integrity-${validation.id}`} className="space-y-1">
              <h3 id={`integrity-${validation.id}`} className="text-sm font-semibold">
                Integrity of the target
              </h3>
              {report.integrity.length ? (
                <ul className="space-y-1 text-sm">
                  {report.integrity.map((f) => (
                    <li
                      key={`${f.kind}-${f.table}-${f.columns.join()}`}
                      className="rounded-md border border-red-200 bg-red-50 px-2 py-1"
                    >
                      <strong>
                        {f.count.toLocaleString('en')}{' '}
                        {f.kind === 'orphan' ? 'orphaned' : f.kind === 'not-null' ? 'NULL' : 'duplicate'} row
                        {f.count === 1 ? '' : 's'}
                      </strong>{' '}
                      in <span className="font-mono">{f.table}</span> ({f.columns.join(', ')}
                      {f.references ? ` → ${f.references.table}.${f.references.columns.join(', ')}` : ''}) –{' '}
                      {f.origin === 'source'
                        ? 'a rule of the source the target does not enforce'
                        : 'a foreign key not validated on the target'}
                      <span className="block font-mono text-xs text-zinc-600">e.g. {f.samples.join('; ')}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="text-sm text-zinc-600">
                  {isLiveValidation(validation.status)
                    ? 'Checked once the tables are compared.'
                    : report.integrityChecked
                      ? `No orphaned, NULL or duplicate rows (${report.integrityChecked} checks; declared, validated constraints are enforced by PostgreSQL).`
                      : 'Nothing to check beyond what PostgreSQL enforces.'}
                </p>
              )}
            </section>
            <section aria-labelledby={`rules-${validation.id}`} className="space-y-1">
              <h3 id={`rules-${validation.id}`} className="text-sm font-semibold">
                Custom rules
              </h3>
              {report.rules.length ? (
                <ul className="space-y-1 text-sm">
                  {report.rules.map((r) => (
                    <li key={r.name} className="flex flex-wrap items-center gap-2">
                      <Badge tone={r.passed ? 'success' : r.action === 'fail' ? 'danger' : 'warning'}>
                        {r.passed ? 'passed' : r.action === 'fail' ? 'failed' : 'warning'}
                      </Badge>
                      <span>{r.name}</span>
                      {!r.passed ? (
                        <span className="text-xs text-zinc-600">
                          {r.error ??
                            `${r.capped ? 'at least ' : ''}${r.violations.toLocaleString('en')} violating row${r.violations === 1 ? '' : 's'}${
                              r.samples.length
                                ? `, e.g. ${r.samples
                                    .map((s) =>
                                      Object.entries(s)
                                        .map(([k, v]) => `${k}=${v ?? 'NULL'}`)
                                        .join(' '),
                                    )
                                    .join('; ')}`
                                : ''
                            }`}
                        </span>
                      ) : null}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="text-sm text-zinc-600">
                  {isLiveValidation(validation.status) ? 'Run after the tables.' : 'The plan has no custom rules.'}
                </p>
              )}
            </section>
          </div>
          {report.warnings.length ? (
            <ul className="space-y-1 text-sm text-amber-800">
              {report.warnings.map((w) => (
                <li key={w}>⚠ {w}</li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
    </section>
  )
}
