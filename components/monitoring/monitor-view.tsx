'use client'

import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Alert } from '@/components/ui/alert'
import { ProgressBar } from '@/components/ui/progress-bar'
import { Table, Td, Th } from '@/components/ui/table'
import { Timestamp } from '@/components/ui/timestamp'
import { formatMetric, METRICS, type MetricName } from '@/lib/domain/metrics'
import { monitorQueries, type MonitorSource } from '@/lib/queries/monitoring'
import type { MonitorDTO } from '@/lib/server/monitoring/queries'
import { HealthBadge } from './health-badge'
import { LockTable } from './lock-table'
import { MetricChart } from './metric-chart'
import { ProgressSection, SqliteSection, StatementsSection, UnusedIndexesSection } from './sample-details'
import { formatDuration, formatSeconds } from '@/lib/domain/words'
import { ConnectionSyncs } from './connection-syncs'

const CURRENT: MetricName[] = [
  'connections',
  'active_sessions',
  'blocked_sessions',
  'idle_in_transaction',
  'commits_per_second',
  'rollbacks_per_second',
  'error_rate_percent',
  'cache_hit_percent',
  'longest_query_seconds',
  'longest_transaction_seconds',
  'replication_lag_seconds',
  'database_size_mb',
]
const TRIGGER_LABELS = {
  OK: 'not met',
  BREACHED: 'breached',
  FIRING: 'fired',
  RECOVERED: 'fired, recovered',
  NO_DATA: 'no data',
} as const

/** The live monitoring of a connection or a run: polls its GET route every 2 seconds while it is live. */
export function MonitorView({ initial, source }: { initial: MonitorDTO; source: MonitorSource }) {
  const client = useQueryClient()
  const [notice, setNotice] = useState<string | null>(null)
  const monitor = monitorQueries.of(source)
  const { data: view = initial, isError } = useQuery({ ...monitor, initialData: initial })
  const latest = view.points.findLast((p) => p.ok)
  const current = view.current
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3 text-sm" data-testid="monitor-summary">
        <HealthBadge health={view.health.health} />
        {view.connection ? (
          <span>
            <strong>{view.connection.name}</strong> on {view.connection.environmentName}
          </span>
        ) : null}
        <span className="text-zinc-500">
          {view.live ? 'live · sampled every 2 s' : 'not sampled now'} · last sample{' '}
          <Timestamp iso={view.health.lastSampleAt} empty="none yet" />
        </span>
      </div>
      {!view.connection ? (
        <Alert tone="info">The plan has no target connection on this environment: there is nothing to watch.</Alert>
      ) : null}
      {view.unreachable ? (
        <Alert tone="error">
          The database cannot be sampled: {view.unreachable}. Sampling backs off and tries again.
        </Alert>
      ) : null}
      {isError ? (
        <Alert tone="error">Lost contact with Lockstep; the figures below may be stale. Retrying…</Alert>
      ) : null}
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {view.health.reasons.length ? (
        <ul className="list-disc space-y-1 pl-5 text-sm" data-testid="health-reasons">
          {view.health.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : null}
      {view.run ? <RunFigures run={view.run} /> : null}
      <ConnectionSyncs syncs={view.syncs} />
      {latest ? (
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-6" aria-label="Current values">
          {CURRENT.filter((m) => latest.values[m] !== undefined).map((m) => (
            <div key={m} className="rounded-md border border-zinc-200 bg-white px-3 py-2">
              <dt className="text-xs text-zinc-500">{METRICS[m].label}</dt>
              <dd className="text-lg font-semibold tabular-nums" data-testid={`current-${m}`}>
                {formatMetric(m, latest.values[m] as number)}
              </dd>
              <dd className="text-xs text-zinc-600">{METRICS[m].help}</dd>
            </div>
          ))}
        </dl>
      ) : view.connection ? (
        <p className="text-sm text-zinc-500">
          Waiting for the first samples: the worker takes one every 2 seconds while this view is open.
        </p>
      ) : null}
      {view.connection?.engine === 'POSTGRES' ? (
        <div className="grid gap-3 lg:grid-cols-2" aria-label="Charts">
          <MetricChart
            title="Transactions per second"
            metrics={['commits_per_second', 'rollbacks_per_second']}
            points={view.points}
          />
          <MetricChart
            title="Sessions"
            metrics={['connections', 'active_sessions', 'blocked_sessions']}
            points={view.points}
          />
          <MetricChart title="Error rate" metrics={['error_rate_percent']} points={view.points} />
          <MetricChart title="Cache hit ratio" metrics={['cache_hit_percent']} points={view.points} />
        </div>
      ) : view.connection ? (
        <MetricChart title="File size" metrics={['database_size_mb']} points={view.points} />
      ) : null}
      <TriggerTable health={view.health} />
      {current?.kind === 'postgres' && view.connection ? (
        <>
          <section className="space-y-2" aria-label="Locks">
            <h3 className="text-sm font-semibold text-zinc-800">Locks: who blocks whom</h3>
            {current.sample.seesAllSessions === false ? (
              <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="monitor-role-hint">
                Some sessions of this database belong to roles whose statements and waits the connection&apos;s role{' '}
                {current.sample.role} cannot see, so it cannot tell who blocks whom among them. Grant it those roles (
                <code>GRANT app_role TO {current.sample.role}</code>), which also lets it cancel or terminate their
                sessions; or pg_read_all_stats to see every session on the server, and pg_signal_backend to end any
                session that is not a superuser&apos;s.
              </p>
            ) : null}
            <LockTable
              connectionId={view.connection.id}
              blocked={current.sample.blocked}
              canSignal={view.canSignal}
              onSignalled={(message) => {
                setNotice(message)
                void client.invalidateQueries({ queryKey: monitor.queryKey })
              }}
            />
          </section>
          <ProgressSection sample={current.sample} />
          <StatementsSection sample={current.sample} />
          <UnusedIndexesSection sample={current.sample} />
        </>
      ) : null}
      {current?.kind === 'sqlite' ? <SqliteSection data={current} /> : null}
    </div>
  )
}

function RunFigures({ run }: { run: NonNullable<MonitorDTO['run']> }) {
  const copy = run.copy
  const figures: [string, string][] = [
    ['Elapsed', formatSeconds(run.elapsedSeconds)],
    ['Steps done', `${run.stepsDone} of ${run.stepsTotal}`],
    // Only what applies to the run: a run without copy steps has no rows to count.
    ...(copy
      ? ([
          [
            'Rows copied',
            `${copy.rowsWritten.toLocaleString('en')}${copy.rowsTotal ? ` of ${copy.rowsTotal.toLocaleString('en')}` : ''}${copy.seconds > 0 ? ` in ${formatSeconds(copy.seconds)}` : ''}`,
          ],
          [
            'Rows per second',
            copy.rowsPerSecond
              ? `${Math.round(copy.rowsPerSecond).toLocaleString('en')} average${copy.rowsPerSecondNow !== null ? ` · ${Math.round(copy.rowsPerSecondNow).toLocaleString('en')} now` : ''}`
              : '–',
          ],
          ['Rejected rows', `${copy.rejectedRows.toLocaleString('en')} (${copy.rejectedPercent.toFixed(2)} %)`],
        ] satisfies [string, string][])
      : []),
    ['Errors in the log', run.errors.toLocaleString('en')],
  ]
  return (
    <section className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4" aria-label="The run">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        {figures.map(([label, value]) => (
          <div key={label}>
            <dt className="text-xs text-zinc-500">{label}</dt>
            <dd className="font-semibold tabular-nums" data-testid={`run-${label.toLowerCase().replaceAll(' ', '-')}`}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      {run.observe ? (
        <div className="space-y-1 text-sm" data-testid="observe-progress">
          <p>
            Observing: <strong>{run.observe.stepName}</strong> – {formatSeconds(run.observe.elapsedSeconds)} of{' '}
            {formatDuration(run.observe.seconds)} <HealthBadge health={run.observe.health} what="Observed health" />
          </p>
          <ProgressBar
            value={(100 * run.observe.elapsedSeconds) / run.observe.seconds}
            label={`Observation ${run.observe.stepName}`}
          />
        </div>
      ) : null}
    </section>
  )
}

function TriggerTable({ health }: { health: MonitorDTO['health'] }) {
  if (!health.triggers.length && !health.unmeasurable.length)
    return (
      <p className="text-sm text-zinc-500">
        No rollback trigger: add measurable ones on the plan page (metric, comparison, threshold, duration) and they are
        evaluated on every sample.
      </p>
    )
  return (
    <section className="space-y-2" aria-label="Rollback triggers">
      <h3 className="text-sm font-semibold text-zinc-800">Rollback triggers</h3>
      {health.triggers.length ? (
        <Table caption="Rollback triggers">
          <thead>
            <tr>
              <Th>Trigger</Th>
              <Th>Condition</Th>
              <Th>Now</Th>
              <Th>State</Th>
              <Th>Evidence</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {health.triggers.map((t) => (
              <tr key={t.triggerId} data-testid="trigger-row">
                <Td>{t.text}</Td>
                <Td className="font-mono text-xs">{t.condition}</Td>
                <Td className="tabular-nums">{t.value ?? '–'}</Td>
                <Td
                  className={
                    t.state === 'FIRING'
                      ? 'font-semibold text-red-700'
                      : t.state === 'BREACHED' || t.state === 'RECOVERED'
                        ? 'text-amber-800'
                        : ''
                  }
                >
                  {TRIGGER_LABELS[t.state]}
                </Td>
                <Td className="text-xs text-zinc-600">
                  {t.firedAt
                    ? `fired ${t.firedAt.slice(11, 19)} UTC at ${t.firedValue}`
                    : t.breachedSince
                      ? `breached since ${t.breachedSince.slice(11, 19)} UTC`
                      : '—'}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      ) : null}
      {health.unmeasurable.length ? (
        <p className="text-xs text-zinc-500">Judged by people, not measured: {health.unmeasurable.join('; ')}.</p>
      ) : null}
    </section>
  )
}
