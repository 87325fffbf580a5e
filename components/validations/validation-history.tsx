'use client'

import { useQueries } from '@tanstack/react-query'
import Link from 'next/link'
import { Table, Td, Th } from '@/components/ui/table'
import { Timestamp } from '@/components/ui/timestamp'
import { isLiveValidation, validationQueries } from '@/lib/queries/validations'
import type { ValidationSummary } from '@/lib/server/validations/queries'
import { ValidationStatusBadge } from './validation-status'

/**
 * The plan's validations, newest first. A row still queued or running follows the same polled query as the
 * report above it, so it shows the result as soon as the report does.
 */
export function ValidationHistory({
  planId,
  history,
  shownId,
}: {
  planId: string
  history: ValidationSummary[]
  shownId: string | undefined
}) {
  const live = useQueries({
    queries: history.map((h) => ({ ...validationQueries.detail(h.id), enabled: isLiveValidation(h.status) })),
  })
  const rows = history.map((h, i) => live[i]?.data ?? h)
  const href = (id: string) => `/plans/${planId}/validation?v=${id}`
  return (
    <Table caption="Validations of this plan">
      <thead>
        <tr>
          <Th>When</Th>
          <Th>Environment</Th>
          <Th>Result</Th>
          <Th className="text-right">Tables</Th>
          <Th className="text-right">Mismatched</Th>
          <Th className="text-right">Findings</Th>
          <Th>By</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((h) => (
          <tr
            key={h.id}
            className={h.id === shownId ? 'bg-indigo-50/50' : undefined}
            data-testid="validation-history-row"
          >
            <Td>
              <Link
                href={href(h.id)}
                className="text-indigo-700 hover:underline"
                aria-current={h.id === shownId ? 'true' : undefined}
              >
                <Timestamp iso={h.createdAt} />
              </Link>
            </Td>
            <Td>{h.environmentName}</Td>
            <Td>
              <ValidationStatusBadge status={h.status} />
            </Td>
            <Td className="text-right tabular-nums">{h.tables}</Td>
            <Td className="text-right tabular-nums">{h.mismatched || '–'}</Td>
            <Td className="text-right tabular-nums">{h.findings || '–'}</Td>
            <Td className="text-xs text-zinc-600">
              {h.runId ? (
                <Link href={`/runs/${h.runId}`} className="text-indigo-700 underline hover:no-underline">
                  a run&apos;s validate step
                </Link>
              ) : (
                (h.requestedByName ?? '–')
              )}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  )
}
