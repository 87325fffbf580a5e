import type { Heading, RootContent } from 'mdast'
import { isTaskList, phaseWordsIn } from './nodes'
import { cleanName, keyOf } from './text'
import type { DocPhase, DocRisk } from './types'

// The heading tree of a plan document, and what each section is by what its title says.

export type Section = {
  heading: Heading | null
  title: string
  key: string
  line: number | null
  nodes: RootContent[]
  children: Section[]
}

export type Kind =
  | 'summary'
  | 'current'
  | 'target'
  | 'phases'
  | 'phase'
  | 'checklist'
  | 'risks'
  | 'criteria'
  | 'triggers'
  | 'rollback'
  | 'timeline'
  | 'unknown'

export const PHASE_TITLE = /^(phase|stage|wave|step|week|sprint|milestone|day)\s*\d+[a-z]?\b/

export function classify(key: string): Kind {
  if (PHASE_TITLE.test(key)) return 'phase'
  if (/\bcheck ?lists?\b/.test(key)) return 'checklist'
  if (
    /\b(roll ?back|abort|revert) (triggers?|criteria|conditions|thresholds)\b|\bwhen to (roll ?back|abort)\b|\bno go\b|\bgo no go\b|\b(stop|abort|halt|roll ?back)( the)?( migration| deployment| cutover)? (if|when)\b|\bred flags\b/.test(
      key,
    )
  )
    return 'triggers'
  if (/\b(roll ?back|back ?out|fall ?back|revert)\b|\brecovery (plan|procedures?|steps)\b/.test(key)) return 'rollback'
  if (/\b(success|acceptance|exit|completion) (criteria|metrics|measures)\b|\bdefinition of done\b/.test(key))
    return 'criteria'
  // "Risks", "Risk Assessment", "Known risks" – not "High-Risk Migration", which is about something else.
  if (
    /\brisks\b|^(key |main |major |known |potential |technical )?risk( (register|assessment|analysis|matrix|management|log|mitigations?|areas?|and|\d+))?$|^risk\b.*\b(mitigation|register|assessment)\b/.test(
      key,
    )
  )
    return 'risks'
  if (/\b(timeline|schedule|milestones|calendar)\b/.test(key)) return 'timeline'
  if (
    /^(overview|summary|introduction|purpose|background|executive summary|context|scope|about|why|motivation|rationale|problem statement)\b|^migration (overview|goals|objectives)\b|^(goals|objectives)\b/.test(
      key,
    )
  )
    return 'summary'
  if (/^(current|existing|source|legacy)\b|\bas is\b/.test(key)) return 'current'
  if (/^(target|desired|future|destination)\b|\bto be\b/.test(key)) return 'target'
  if (
    /\bphases\b|\b(migration|implementation|execution|rollout|deployment|cutover) (steps|plan|phases|approach|process|stages)\b|\bapproach\b|\broadmap\b/.test(
      key,
    )
  )
    return 'phases'
  return 'unknown'
}

/** A section that is a checklist by its shape: a task list of its own, and no phases beneath it. */
export const isChecklistShaped = (section: Section) =>
  section.nodes.some((n) => n.type === 'list' && isTaskList(n) && phaseWordsIn(n) * 2 < n.children.length) &&
  !section.children.some((c) => classify(c.key) === 'phase')

/** A phase a document describes twice (a summary table, then a section) is one phase. */
export function mergePhases(phases: DocPhase[], warn: (message: string) => void): DocPhase[] {
  const merged: DocPhase[] = []
  for (const phase of phases) {
    const same = merged.find((p) => keyOf(p.name) === keyOf(phase.name))
    if (!same) {
      merged.push(phase)
      continue
    }
    same.window ??= phase.window
    same.goal ||= phase.goal
    // The later description is the detailed one: its checklist replaces a summary row's activities.
    if (phase.items.length) same.items = phase.items
    same.steps.push(...phase.steps)
    warn(`Phase “${phase.name}” is described twice; the two descriptions were merged.`)
  }
  return merged
}

/** Sub-headings such as "Tasks" or "How" label a block; they name nothing worth keeping on each item. */
export const genericLabel = (section: Section) =>
  /^(tasks?|steps?|actions?|activities|check ?list|to ?dos?|how|what|details|deliverables|work|items|procedures?|process|(rollback|recovery) (steps|procedures?|process|execution)( if (needed|required|necessary))?)$/.test(
    section.key,
  )

export const newRisk = (title: string): DocRisk => ({
  title: title.slice(0, 200),
  impact: null,
  likelihood: null,
  mitigation: '',
  owner: null,
  extra: {},
})

export const hasList = (section: Section): boolean =>
  section.nodes.some((n) => n.type === 'list') || section.children.some(hasList)

/** A section and everything beneath it, as nodes again (headings included). */
export function flatten(section: Section): RootContent[] {
  return [...(section.heading ? [section.heading] : []), ...section.nodes, ...section.children.flatMap(flatten)]
}

// "Week 2", "Day 1-2", "Q3", "2025-03", "T+0 to T+15min" (a runbook's clock, counted from the cutover).
export const TIME_LIKE =
  /\b(week|weeks|day|days|hour|hours|hrs?|minutes?|mins?|month|months|sprint|q[1-4]|h[12]|mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d{4}-\d{2}(-\d{2})?)\b|^\d+\s*(d|w|h|m)$|\bT\s*[+-]\s*\d|\d\s*(min|mins|minutes|h|hrs?|hours|d|days|w|weeks)\b/i

/** "Phase 2: Data Migration (Week 2)" → name "Data Migration", window "Week 2". */
export function phaseTitle(raw: string): { name: string; window: string | null } {
  let name = cleanName(raw)
  let window: string | null = null
  const paren = /^(.*?)\s*\(([^()]+)\)$/.exec(name)
  if (paren?.[1] && paren[2] && TIME_LIKE.test(paren[2])) {
    name = paren[1].trim()
    window = paren[2].trim()
  }
  const prefix = /^(phase|stage|wave|step|sprint|milestone)\s*\d+[a-z]?\s*[:.)\-–—]?\s*(.*)$/i.exec(name)
  if (prefix?.[2]) name = prefix[2].trim()
  const weekPrefix = /^((?:week|day|days)\s*[\d–-]+(?:\s*[-–]\s*\d+)?)\s*[:.)\-–—]\s*(.+)$/i.exec(name)
  if (weekPrefix?.[1] && weekPrefix[2]) {
    window ??= weekPrefix[1].trim()
    name = weekPrefix[2].trim()
  }
  const dash = /^(.+?)\s+[–—-]\s+(.+)$/.exec(name)
  if (!window && dash?.[1] && dash[2] && TIME_LIKE.test(dash[2])) {
    name = dash[1].trim()
    window = dash[2].trim()
  }
  return { name: (name || cleanName(raw) || 'Phase').slice(0, 200), window: window ? window.slice(0, 100) : null }
}
