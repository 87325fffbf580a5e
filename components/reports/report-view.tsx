'use client'

// A client component although nothing in it responds to the reader: the page then sends the browser the
// report's data, a few KB, rather than its tables as server-rendered markup several times that size – which the
// web server would serialise, parse back and render to HTML again on every request, the most it spends on
// a report (npm run bench:load).
import Link from 'next/link'
import { RiskHeatMap } from '@/components/plans/risk-heat-map'
import { PhaseStatusBadge, RiskStatusBadge } from '@/components/plans/status'
import { RunStatusBadge } from '@/components/runs/run-status'
import { ValidationStatusBadge } from '@/components/validations/validation-status'
import { ProgressBar } from '@/components/ui/progress-bar'
import { Table, Td, Th } from '@/components/ui/table'
import { Timestamp } from '@/components/ui/timestamp'
import { IMPACT_LABELS, LIKELIHOOD_LABELS } from '@/lib/domain/plan-values'
import { isOpenRisk } from '@/lib/domain/report-values'
import type { ReportDTO } from '@/lib/server/reports/queries'
import { ReportStatusBadge } from './report-status'
import { formatSeconds, plural } from '@/lib/domain/words'

const day = (iso: string | null) => iso?.slice(0, 10) ?? '—'

export function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section aria-label={title} className="space-y-2 break-inside-avoid">
      <h2 className="text-lg font-semibold">{title}</h2>
      {children}
    </section>
  )
}

/**
 * A plan's status report: what a stakeholder reads at a glance, on screen and on paper – today's, or a
 * snapshot's as it was. `afterStatus` and `afterPhases` take what only one of them has (what changed, the trend).
 */
export function ReportView({
  report,
  afterStatus,
  afterPhases,
}: {
  report: ReportDTO
  afterStatus?: React.ReactNode
  afterPhases?: React.ReactNode
}) {
  const open = report.risks.filter(isOpenRisk)
  return (
    <article className="space-y-8 print:space-y-5">
      <section
        aria-label="Status"
        className="space-y-3 rounded-lg border border-zinc-200 bg-white p-5 print:border-0 print:p-0"
      >
        <p className="flex flex-wrap items-center gap-3 text-sm">
          <ReportStatusBadge status={report.verdict.status} testId="report-status" />
          <span>
            Progress <strong>{report.progress} %</strong>
          </span>
          <span className="text-zinc-500">
            Owner {report.plan.ownerName} · as of <Timestamp iso={report.generatedAt} />
          </span>
        </p>
        <div className="max-w-md">
          <ProgressBar value={report.progress} label="Plan progress" />
        </div>
        <ul className="list-disc space-y-1 pl-5 text-sm" data-testid="report-reasons">
          {report.verdict.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      </section>

      {afterStatus}

      <Section title="Phases">
        <Table caption="Phases against the timeline">
          <thead>
            <tr>
              <Th>Phase</Th>
              <Th>Status</Th>
              <Th>Planned</Th>
              <Th>Actual</Th>
              <Th className="text-right">Slippage</Th>
              <Th className="w-40">Checklist</Th>
              <Th className="w-40">Steps</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100" data-testid="report-phases">
            {report.phases.map((p) => (
              <tr key={p.name}>
                <Td className="font-medium">{p.name}</Td>
                <Td>
                  <PhaseStatusBadge status={p.status} />
                </Td>
                <Td className="text-xs tabular-nums">
                  {p.plannedStart || p.plannedEnd
                    ? `${day(p.plannedStart)} → ${day(p.plannedEnd)}`
                    : (p.plannedLabel ?? '—')}
                </Td>
                <Td className="text-xs tabular-nums">
                  {p.actualStart ? `${day(p.actualStart)} → ${p.actualEnd ? day(p.actualEnd) : '…'}` : '—'}
                </Td>
                <Td
                  className={`text-right tabular-nums ${p.slippageDays && p.slippageDays > 0 ? 'font-semibold text-red-700' : ''}`}
                >
                  {p.slippageDays === null
                    ? '—'
                    : p.slippageDays > 0
                      ? `${p.slippageDays} d late`
                      : p.slippageDays < 0
                        ? `${-p.slippageDays} d early`
                        : 'on time'}
                </Td>
                <Td>
                  {p.itemsTotal ? (
                    <ProgressBar value={(100 * p.itemsDone) / p.itemsTotal} label={`${p.name}: checklist`} />
                  ) : (
                    <span className="text-xs text-zinc-500">no checklist</span>
                  )}
                </Td>
                <Td>
                  {p.stepCount ? (
                    <ProgressBar value={(100 * (p.stepsDone ?? 0)) / p.stepCount} label={`${p.name}: steps`} />
                  ) : (
                    <span className="text-xs text-zinc-500">no steps</span>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Section>

      {afterPhases}

      <div className="grid grid-cols-1 gap-8 lg:grid-cols-2 print:grid-cols-2">
        <Section title="Maintenance windows">
          {report.windows.length ? (
            <ul className="space-y-1 text-sm">
              {report.windows.map((w) => (
                <li key={`${w.environmentName}-${w.startsAt}`}>
                  <strong>{w.active ? 'Active now' : w.status === 'APPROVED' ? 'Approved' : 'Requested'}</strong> on{' '}
                  {w.environmentName}
                  {w.phaseName ? ` for “${w.phaseName}”` : ''}: <Timestamp iso={w.startsAt} /> →{' '}
                  <Timestamp iso={w.endsAt} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-zinc-500">No window requested or approved ahead.</p>
          )}
        </Section>
        <Section title="Last validation">
          {report.validation ? (
            <p className="flex flex-wrap items-center gap-2 text-sm">
              <ValidationStatusBadge status={report.validation.status} />
              <span>
                on {report.validation.environmentName}, <Timestamp iso={report.validation.finishedAt} />:{' '}
                {report.validation.matching} of {report.validation.tables} tables match
                {report.validation.differing ? `, ${report.validation.differing} differ` : ''}
                {report.validation.findings ? `, ${report.validation.findings} integrity findings` : ''}
                {report.validation.rulesFailed ? `, ${report.validation.rulesFailed} rules failed` : ''}.
              </span>
            </p>
          ) : (
            <p className="text-sm text-zinc-500">Not validated yet.</p>
          )}
        </Section>
      </div>

      <Section title={`Open risks (${open.length})`}>
        {open.length ? <RiskHeatMap risks={report.risks} /> : null}
        {open.length ? (
          <Table caption="Open and accepted risks, most severe first">
            <thead>
              <tr>
                <Th>Risk</Th>
                <Th>Impact × likelihood</Th>
                <Th className="text-right">Score</Th>
                <Th>Status</Th>
                <Th>Owner</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {[...open]
                .sort((a, b) => Number(b.critical) - Number(a.critical) || (b.score ?? 0) - (a.score ?? 0))
                .map((r) => (
                  <tr key={r.id}>
                    <Td className={`min-w-48 wrap-anywhere ${r.critical ? 'font-semibold text-red-800' : ''}`}>
                      {r.title}
                    </Td>
                    <Td className="text-xs">
                      {r.impact && r.likelihood
                        ? `${IMPACT_LABELS[r.impact]} × ${LIKELIHOOD_LABELS[r.likelihood]}`
                        : 'not rated'}
                    </Td>
                    <Td className="text-right tabular-nums">{r.score ?? '—'}</Td>
                    <Td>
                      <RiskStatusBadge status={r.status} />
                    </Td>
                    <Td className="text-xs">{r.owner ?? '—'}</Td>
                  </tr>
                ))}
            </tbody>
          </Table>
        ) : (
          <p className="text-sm text-zinc-500">No open risk.</p>
        )}
      </Section>

      <Section title="Recent runs">
        {report.drift?.map((d) => (
          <p key={d.environmentName} className="text-sm text-amber-900" data-testid="report-drift">
            <span aria-hidden="true">≠ </span>
            The schema of {d.environmentName}’s target changed outside Lockstep: {plural(d.objects, 'object')} (checked{' '}
            <Timestamp iso={d.checkedAt} />){d.acknowledged ? ', acknowledged by a DBA' : ', not yet acknowledged'}.
          </p>
        ))}
        {report.cutover ? (
          <p className="text-sm" data-testid="report-cutover">
            Cut over on <Timestamp iso={report.cutover.switchedAt} /> ({report.cutover.environmentName}, “
            {report.cutover.stepName}”) with{' '}
            <strong>{formatSeconds(report.cutover.downtimeMs / 1000)} of downtime</strong>.
          </p>
        ) : null}
        {report.runs.length ? (
          <Table caption="Recent runs">
            <thead>
              <tr>
                <Th>Phase</Th>
                <Th>Environment</Th>
                <Th>Outcome</Th>
                <Th>Started</Th>
                <Th className="text-right">Duration</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {report.runs.map((r) => (
                <tr key={r.id}>
                  <Td>
                    <Link href={`/runs/${r.id}`} className="text-indigo-700 hover:underline print:text-zinc-900">
                      {r.phaseName}
                    </Link>
                    {r.dryRun ? <span className="ml-1 text-xs text-zinc-500">(dry run)</span> : null}
                  </Td>
                  <Td>{r.environmentName}</Td>
                  <Td>
                    <RunStatusBadge status={r.status} />
                  </Td>
                  <Td className="text-xs">
                    <Timestamp iso={r.startedAt} />
                  </Td>
                  <Td className="text-right tabular-nums">{r.seconds === null ? '—' : formatSeconds(r.seconds)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        ) : (
          <p className="text-sm text-zinc-500">No run yet.</p>
        )}
      </Section>

      <Section title="Success criteria">
        {report.criteria.length ? (
          <ul className="space-y-1 text-sm">
            {report.criteria.map((c) => (
              <li key={c.text} className="flex flex-wrap gap-2">
                <span
                  className={
                    c.status === 'MET' ? 'text-emerald-700' : c.status === 'NOT_MET' ? 'text-red-700' : 'text-zinc-500'
                  }
                >
                  {c.status === 'MET' ? '✓ met' : c.status === 'NOT_MET' ? '✕ not met' : '○ pending'}
                </span>
                <span>{c.text}</span>
                {c.evaluatedAt ? (
                  <span className="text-xs text-zinc-500">
                    decided by a validation, <Timestamp iso={c.evaluatedAt} />
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-zinc-500">No success criteria written down.</p>
        )}
      </Section>
    </article>
  )
}
