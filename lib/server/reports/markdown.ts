import { isOpenRisk, REPORT_STATUS_LABELS } from '@/lib/domain/report-values'
import { formatUtc } from '@/lib/domain/words'
import type { ReportPageDTO } from './history'
import type { ReportDTO } from './queries'

// A report as a Markdown document: what the page shows, in tables a mail or a wiki renders.

const cell = (value: string | number | null) => String(value ?? '—').replace(/\|/g, '\\|').replace(/\s+/g, ' ')
const row = (cells: (string | number | null)[]) => `| ${cells.map(cell).join(' | ')} |`
const table = (head: string[], rows: (string | number | null)[][]) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n')
const day = (iso: string | null) => iso?.slice(0, 10) ?? null

export function formatReportMarkdown(report: ReportDTO, since: ReportPageDTO['since'] = null): string {
  const parts = [
    `# Status report: ${report.plan.title}`,
    `Generated ${formatUtc(report.generatedAt)} · owner ${report.plan.ownerName} · progress ${report.progress} %`,
    `## Status: ${REPORT_STATUS_LABELS[report.verdict.status]}`,
    report.verdict.reasons.map((r) => `- ${r}`).join('\n'),
    ...(since ? [`## Since the snapshot of ${formatUtc(since.takenAt)}`, since.changes.length ? since.changes.map((c) => `- ${c.text}`).join('\n') : 'Nothing changed.'] : []),
    '## Phases',
    table(
      ['Phase', 'Status', 'Planned', 'Actual', 'Slippage (days)', 'Checklist'],
      report.phases.map((p) => [
        p.name,
        p.status.replace('_', ' ').toLowerCase(),
        p.plannedStart || p.plannedEnd ? `${p.plannedStart ?? '…'} → ${p.plannedEnd ?? '…'}` : p.plannedLabel,
        p.actualStart ? `${day(p.actualStart)} → ${day(p.actualEnd) ?? '…'}` : null,
        p.slippageDays,
        `${p.itemsDone}/${p.itemsTotal}`,
      ]),
    ),
  ]
  if (report.windows.length) parts.push('## Maintenance windows', table(['Environment', 'Phase', 'Status', 'From', 'To'], report.windows.map((w) => [w.environmentName, w.phaseName, w.active ? 'active' : w.status.toLowerCase(), formatUtc(w.startsAt), formatUtc(w.endsAt)])))
  const open = report.risks.filter(isOpenRisk)
  parts.push('## Open risks', open.length ? table(['Risk', 'Impact', 'Likelihood', 'Score', 'Status', 'Owner', 'Mitigation'], open.map((r) => [r.title, r.impact, r.likelihood, r.score, r.status.toLowerCase(), r.owner, r.mitigation])) : 'None.')
  if (report.runs.length) parts.push('## Recent runs', table(['Phase', 'Environment', 'Outcome', 'Started', 'Duration (s)'], report.runs.map((r) => [r.phaseName + (r.dryRun ? ' (dry run)' : ''), r.environmentName, r.status.toLowerCase().replace('_', ' '), r.startedAt ? formatUtc(r.startedAt) : null, r.seconds])))
  if (report.validation) {
    const v = report.validation
    parts.push('## Last validation', `${v.status.toLowerCase()} on ${v.environmentName}${v.finishedAt ? ` at ${formatUtc(v.finishedAt)}` : ''}: ${v.matching} of ${v.tables} tables match, ${v.differing} differ, ${v.findings} integrity findings, ${v.rulesFailed} rules failed.`)
  }
  if (report.criteria.length) parts.push('## Success criteria', table(['Criterion', 'Status', 'Decided'], report.criteria.map((c) => [c.text, c.status.toLowerCase().replace('_', ' '), c.evaluatedAt ? formatUtc(c.evaluatedAt) : null])))
  return `${parts.join('\n\n')}\n`
}
