import type { Code, List, RootContent } from 'mdast'
import { readGantt } from './gantt'
import { isGantt, isSchedule, readMermaidTimeline } from './mermaid'
import { LEADING_EMOJI, isSql, leadOf, lineOf, markdown, stepName } from './nodes'
import type { Section } from './sections'
import type { DocItem, DocPlan, DocStep, DocTimelineEntry, DocWarning } from './types'

// What every part of the plan-document parser shares: the plan being built, its warnings and notes, and the
// reading of lists, scripts and charts wherever they stand.

export abstract class DocumentReader {
  readonly warnings: DocWarning[] = []
  readonly plan: Omit<DocPlan, 'warnings'> = {
    title: '',
    summary: '',
    currentState: '',
    targetState: '',
    phases: [],
    checklists: [],
    risks: [],
    successCriteria: [],
    rollbackTriggers: [],
    rollbackSteps: [],
    timeline: [],
    steps: [],
    notes: [],
  }

  /** Where each timeline entry stands in the document: charts are read before the sections, yet keep their place. */
  readonly timelineLines = new Map<DocTimelineEntry, number>()

  warn(line: number | null, message: string) {
    this.warnings.push({ line, message })
  }

  /** Keeps content the parser did not place, as a note, and says so. */
  keep(title: string, nodes: RootContent[], why: string, line?: number | null) {
    const content = nodes.filter((n) => n.type !== 'thematicBreak' && n.type !== 'definition')
    if (content.length === 0) return
    this.plan.notes.push({ title: title.slice(0, 200), body: markdown(content) })
    this.warn(line ?? lineOf(content[0]), `${why}; kept as a note.`)
  }

  /** A Mermaid `gantt` or `timeline` chart, wherever it stands, is the plan's timeline: its tasks with their dates. */
  schedule(code: Code) {
    const { entries, warnings } = isGantt(code)
      ? readGantt(code.value, lineOf(code))
      : { entries: readMermaidTimeline(code.value), warnings: [] }
    for (const entry of entries) this.timelineLines.set(entry, lineOf(code) ?? 0)
    this.plan.timeline.push(...entries)
    this.warnings.push(...warnings)
  }

  step(code: Code, label: string | null, fallback: string): DocStep {
    return {
      kind: isSql(code) ? 'sql' : 'note',
      name: stepName(code, label, fallback),
      language: code.lang ?? null,
      body: code.value,
    }
  }

  /** Leaves of a (nested) list as checklist items; a parent's words become its children's group. */
  items(list: List, group: string | null, out: DocItem[], steps: DocStep[]) {
    for (const item of list.children) {
      // "- ✅ **All checks** pass": a leading emoji decorates the entry; it does not tick it.
      const lead = leadOf(item)
        .replace(/\s*:$/, '')
        .replace(LEADING_EMOJI, '')
        .replace(/^\[[ xX]?\]$/, '')
      const nested = item.children.filter((c): c is List => c.type === 'list')
      if (lead && (nested.length === 0 || typeof item.checked === 'boolean'))
        out.push({ text: lead.slice(0, 2_000), done: item.checked === true, group })
      else if (!lead && !item.children.some((c) => c.type !== 'paragraph' && c.type !== 'heading'))
        this.warn(lineOf(item), 'An empty list entry was skipped.')
      for (const child of item.children) {
        if (child.type === 'list') this.items(child, lead || group, out, steps)
        else if (child.type === 'code' && isSchedule(child)) this.schedule(child)
        else if (child.type === 'code') steps.push(this.step(child, lead || null, lead || 'Script'))
        else if (child.type !== 'paragraph' && child.type !== 'heading')
          this.keep(lead || 'List item', [child], `Part of the list item at line ${lineOf(item)}`)
      }
    }
  }

  /** Reads one section of the document, whatever it is. */
  abstract section(section: Section): void
}
