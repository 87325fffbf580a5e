import type { PhrasingContent, Root, RootContent, Table } from 'mdast'
import { gfmToMarkdown } from 'mdast-util-gfm'
import { toMarkdown } from 'mdast-util-to-markdown'
import { isOpenRisk, REPORT_STATUS_LABELS } from '@/lib/domain/report-values'
import { formatSeconds, formatUtc, plural } from '@/lib/domain/words'
import type { ReportPageDTO } from './history'
import type { ReportDTO } from './queries'

// A report as a Markdown document: what the page shows, in tables a mail or a wiki renders. Built as a Markdown
// syntax tree and serialised by mdast-util-to-markdown, so every name and text of the plan (a phase called
// "<script>…", a mitigation with a [link](javascript:…)) is escaped and renders as the text it is.

type Cell = string | number | null

const text = (value: string): PhrasingContent => ({ type: 'text', value })
const heading = (depth: 1 | 2, value: string): RootContent => ({ type: 'heading', depth, children: [text(value)] })
const paragraph = (value: string): RootContent => ({ type: 'paragraph', children: [text(value)] })
const bullets = (values: string[]): RootContent => ({
  type: 'list',
  ordered: false,
  spread: false,
  children: values.map((value) => ({
    type: 'listItem',
    spread: false,
    children: [{ type: 'paragraph', children: [text(value)] }],
  })),
})
const cell = (value: Cell) => String(value ?? '—').replace(/\s+/g, ' ')
const table = (head: string[], rows: Cell[][]): Table => ({
  type: 'table',
  align: head.map(() => null),
  children: [head, ...rows].map((cells) => ({
    type: 'tableRow',
    children: cells.map((value) => ({ type: 'tableCell', children: [text(cell(value))] })),
  })),
})
const day = (iso: string | null) => iso?.slice(0, 10) ?? null

export function formatReportMarkdown(report: ReportDTO, since: ReportPageDTO['since'] = null): string {
  const doc: RootContent[] = [
    heading(1, `Status report: ${report.plan.title}`),
    paragraph(
      `Generated ${formatUtc(report.generatedAt)} · owner ${report.plan.ownerName} · progress ${report.progress} %`,
    ),
    heading(2, `Status: ${REPORT_STATUS_LABELS[report.verdict.status]}`),
  ]
  if (report.verdict.reasons.length) doc.push(bullets(report.verdict.reasons))
  if (since)
    doc.push(
      heading(2, `Since the snapshot of ${formatUtc(since.takenAt)}`),
      since.changes.length ? bullets(since.changes.map((c) => c.text)) : paragraph('Nothing changed.'),
    )
  doc.push(
    heading(2, 'Phases'),
    table(
      ['Phase', 'Status', 'Planned', 'Actual', 'Slippage (days)', 'Checklist', 'Steps'],
      report.phases.map((p) => [
        p.name,
        p.status === 'FAILED' ? 'run failed' : p.status.replace('_', ' ').toLowerCase(),
        p.plannedStart || p.plannedEnd ? `${p.plannedStart ?? '…'} → ${p.plannedEnd ?? '…'}` : p.plannedLabel,
        p.actualStart ? `${day(p.actualStart)} → ${day(p.actualEnd) ?? '…'}` : null,
        p.slippageDays,
        `${p.itemsDone}/${p.itemsTotal}`,
        p.stepCount ? `${p.stepsDone ?? 0}/${p.stepCount}` : null,
      ]),
    ),
  )
  if (report.windows.length)
    doc.push(
      heading(2, 'Maintenance windows'),
      table(
        ['Environment', 'Phase', 'Status', 'From', 'To'],
        report.windows.map((w) => [
          w.environmentName,
          w.phaseName,
          w.active ? 'active' : w.status.toLowerCase(),
          formatUtc(w.startsAt),
          formatUtc(w.endsAt),
        ]),
      ),
    )
  const open = report.risks.filter(isOpenRisk)
  doc.push(
    heading(2, 'Open risks'),
    open.length
      ? table(
          ['Risk', 'Impact', 'Likelihood', 'Score', 'Status', 'Owner', 'Mitigation'],
          open.map((r) => [r.title, r.impact, r.likelihood, r.score, r.status.toLowerCase(), r.owner, r.mitigation]),
        )
      : paragraph('None.'),
  )
  if (report.drift?.length)
    doc.push(
      heading(2, 'Schema drift'),
      ...report.drift.map((d) =>
        paragraph(
          `The schema of ${d.environmentName}’s target changed outside Lockstep: ${plural(d.objects, 'object')} (checked ${formatUtc(d.checkedAt)})${d.acknowledged ? ', acknowledged by a DBA' : ', not yet acknowledged'}.`,
        ),
      ),
    )
  if (report.cutover)
    doc.push(
      heading(2, 'Cutover'),
      paragraph(
        `Cut over on ${formatUtc(report.cutover.switchedAt)} (${report.cutover.environmentName}, “${report.cutover.stepName}”) with ${formatSeconds(report.cutover.downtimeMs / 1000)} of downtime.`,
      ),
    )
  if (report.runs.length)
    doc.push(
      heading(2, 'Recent runs'),
      table(
        ['Phase', 'Environment', 'Outcome', 'Started', 'Duration (s)'],
        report.runs.map((r) => [
          r.phaseName + (r.dryRun ? ' (dry run)' : ''),
          r.environmentName,
          r.status.toLowerCase().replace('_', ' '),
          r.startedAt ? formatUtc(r.startedAt) : null,
          r.seconds,
        ]),
      ),
    )
  if (report.validation) {
    const v = report.validation
    doc.push(
      heading(2, 'Last validation'),
      paragraph(
        `${v.status.toLowerCase()} on ${v.environmentName}${v.finishedAt ? ` at ${formatUtc(v.finishedAt)}` : ''}: ${v.matching} of ${v.tables} tables match, ${v.differing} differ, ${v.findings} integrity findings, ${v.rulesFailed} rules failed.`,
      ),
    )
  }
  if (report.criteria.length)
    doc.push(
      heading(2, 'Success criteria'),
      table(
        ['Criterion', 'Status', 'Decided'],
        report.criteria.map((c) => [
          c.text,
          c.status.toLowerCase().replace('_', ' '),
          c.evaluatedAt ? formatUtc(c.evaluatedAt) : null,
        ]),
      ),
    )
  return `${toMarkdown({ type: 'root', children: doc } satisfies Root, { extensions: [gfmToMarkdown({ tablePipeAlign: false })], bullet: '-', listItemIndent: 'one' }).trim()}\n`
}
