import { isOpenRisk, REPORT_STATUS_LABELS, REPORT_STATUS_SEVERITY } from '@/lib/domain/report-values'
import { formatUtc } from '@/lib/domain/words'
import type { ReportDTO } from './queries'

// What changed between two reports of one plan (a snapshot and now, or two snapshots): the status, the
// progress, each phase, risk, success criterion, window and validation, and the runs since – told in the
// words a stakeholder reads, each marked better, worse or neither.

export type ReportChange = { text: string; tone: 'better' | 'worse' | 'neutral' }

const words = (status: string) => status.toLowerCase().replace(/_/g, ' ')
const toneOf = (better: boolean, worse: boolean): ReportChange['tone'] =>
  better ? 'better' : worse ? 'worse' : 'neutral'

export function reportChanges(before: ReportDTO, after: ReportDTO): ReportChange[] {
  const changes: ReportChange[] = []
  const push = (text: string, tone: ReportChange['tone'] = 'neutral') => changes.push({ text, tone })

  const [was, is] = [before.verdict.status, after.verdict.status]
  if (was !== is)
    push(
      `Status went from ${REPORT_STATUS_LABELS[was]} to ${REPORT_STATUS_LABELS[is]}.`,
      toneOf(
        REPORT_STATUS_SEVERITY[is] < REPORT_STATUS_SEVERITY[was],
        REPORT_STATUS_SEVERITY[is] > REPORT_STATUS_SEVERITY[was],
      ),
    )
  if (before.progress !== after.progress) {
    const delta = after.progress - before.progress
    push(
      `Progress went from ${before.progress} % to ${after.progress} % (${delta > 0 ? '+' : ''}${delta}).`,
      toneOf(delta > 0, delta < 0),
    )
  }

  const phasesBefore = new Map(before.phases.map((p) => [p.name, p]))
  for (const p of after.phases) {
    const old = phasesBefore.get(p.name)
    if (!old) push(`Phase “${p.name}” was added.`)
    else if (old.status !== p.status)
      push(
        `Phase “${p.name}” went from ${words(old.status)} to ${words(p.status)}.`,
        toneOf(p.status === 'DONE', p.status === 'BLOCKED' || p.status === 'FAILED'),
      )
    else if ((old.slippageDays ?? 0) <= 0 && (p.slippageDays ?? 0) > 0 && !p.actualEnd)
      push(`Phase “${p.name}” is now overdue (planned to end ${p.plannedEnd}).`, 'worse')
  }
  const phasesAfter = new Set(after.phases.map((p) => p.name))
  for (const p of before.phases) if (!phasesAfter.has(p.name)) push(`Phase “${p.name}” was removed.`)

  const risksBefore = new Map(before.risks.map((r) => [r.id, r]))
  const risksAfter = new Map(after.risks.map((r) => [r.id, r]))
  for (const r of after.risks) {
    const old = risksBefore.get(r.id)
    if (isOpenRisk(r) && (!old || !isOpenRisk(old)))
      push(
        `Risk “${r.title}” ${old ? 'was reopened' : 'was opened'}${r.score !== null ? ` (score ${r.score})` : ''}.`,
        'worse',
      )
    else if (!isOpenRisk(r) && old && isOpenRisk(old)) push(`Risk “${r.title}” was ${words(r.status)}.`, 'better')
    else if (isOpenRisk(r) && old && old.score !== r.score)
      push(
        `Risk “${r.title}” went from score ${old.score ?? 'unrated'} to ${r.score ?? 'unrated'}.`,
        toneOf((r.score ?? 0) < (old.score ?? 0), (r.score ?? 0) > (old.score ?? 0)),
      )
  }
  for (const r of before.risks)
    if (!risksAfter.has(r.id) && isOpenRisk(r)) push(`Risk “${r.title}” was removed from the register.`, 'better')

  const criteriaBefore = new Map(before.criteria.map((c) => [c.text, c.status]))
  for (const c of after.criteria) {
    const old = criteriaBefore.get(c.text)
    if (old === undefined) push(`Success criterion “${c.text}” was added.`)
    else if (old !== c.status)
      push(
        `Success criterion “${c.text}” went from ${words(old)} to ${words(c.status)}.`,
        toneOf(c.status === 'MET', c.status === 'NOT_MET'),
      )
  }

  const windowKey = (w: ReportDTO['windows'][number]) => `${w.environmentName}|${w.startsAt}`
  const windowsBefore = new Map(before.windows.map((w) => [windowKey(w), w]))
  for (const w of after.windows) {
    const old = windowsBefore.get(windowKey(w))
    if (!old || old.status !== w.status)
      push(
        `A maintenance window on ${w.environmentName} was ${w.status === 'APPROVED' ? 'approved' : 'requested'}: ${formatUtc(w.startsAt)} → ${formatUtc(w.endsAt)}.`,
        toneOf(w.status === 'APPROVED', false),
      )
  }

  const runsBefore = new Set(before.runs.map((r) => r.id))
  const newRuns = after.runs.filter((r) => !runsBefore.has(r.id) && (!r.startedAt || r.startedAt > before.generatedAt))
  for (const r of [...newRuns].reverse()) {
    const failed = r.status === 'FAILED' || r.status === 'ROLLBACK_FAILED'
    push(
      `${r.dryRun ? 'A dry run' : 'A run'} of “${r.phaseName}” on ${r.environmentName}: ${words(r.status)}.`,
      toneOf(r.status === 'SUCCEEDED' && !r.dryRun, failed || r.status === 'ROLLED_BACK'),
    )
  }

  const v = after.validation
  if (v && v.id !== before.validation?.id)
    push(
      `A validation on ${v.environmentName} ${v.status === 'PASSED' ? 'passed' : v.status === 'FAILED' ? 'failed' : 'ended in error'}: ${v.matching} of ${v.tables} tables match.`,
      toneOf(v.status === 'PASSED', v.status !== 'PASSED'),
    )
  return changes
}
