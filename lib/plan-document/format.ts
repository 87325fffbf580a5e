import type { BlockContent, List, ListItem, PhrasingContent, Root, RootContent, Table } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown, gfmToMarkdown } from 'mdast-util-gfm'
import { toMarkdown } from 'mdast-util-to-markdown'
import { gfm } from 'micromark-extension-gfm'
import { describeCondition } from '@/lib/domain/health'
import { IMPACT_LABELS, LIKELIHOOD_LABELS } from '@/lib/domain/plan-values'
import { configuredStepNodes } from './configured-steps'
import { dateFormatOf, formatGantt } from './gantt'
import { isTask } from './mermaid'
import { inertMarkdown } from './inert-markdown'
import { TIME_LIKE } from './sections'
import type { DocItem, DocPlan, DocStep, DocTimelineEntry } from './types'

// Writes a plan as Markdown in one canonical layout that `parsePlanDocument` reads back to the same
// structure. The document is built as a Markdown syntax tree and serialised by mdast-util-to-markdown,
// which does all the escaping: text of the plan (a title, an item) is written as text, never as HTML or a
// link, and the Markdown of summaries and notes goes through inertMarkdown first.

const text = (value: string): PhrasingContent => ({ type: 'text', value })
const paragraph = (...children: PhrasingContent[]): RootContent => ({ type: 'paragraph', children })
const heading = (depth: 1 | 2 | 3, value: string): RootContent => ({ type: 'heading', depth, children: [text(value)] })
const strong = (value: string): PhrasingContent => ({ type: 'strong', children: [text(value)] })
const listItem = (value: string, checked: boolean | null, children: BlockContent[] = []): ListItem => ({
  type: 'listItem',
  spread: false,
  checked,
  children: [{ type: 'paragraph', children: [text(value)] }, ...children],
})
const list = (items: ListItem[], ordered = false): List => ({ type: 'list', ordered, spread: false, children: items })

/** Existing Markdown (a summary, a note) as nodes, to be placed in the document with its HTML and script links as text. */
const blocks = (markdown: string): RootContent[] =>
  markdown.trim()
    ? inertMarkdown(fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }).children)
    : []

/** Items as a task list; consecutive items of one group sit under that group's entry. */
function checklist<T extends { text: string; group: string | null }>(
  items: T[],
  done: (item: T) => boolean | null,
): List {
  const out: ListItem[] = []
  let current = null as { group: string; list: List } | null
  for (const item of items) {
    if (!item.group) {
      current = null
      out.push(listItem(item.text, done(item)))
    } else if (current?.group === item.group) current.list.children.push(listItem(item.text, done(item)))
    else {
      current = { group: item.group, list: list([listItem(item.text, done(item))]) }
      out.push(listItem(item.group, null, [current.list]))
    }
  }
  return list(out)
}

function steps(all: DocStep[]): RootContent[] {
  return all.flatMap(
    (step) =>
      configuredStepNodes(step) ?? [
        paragraph(strong('Step:'), text(` ${step.name}`)),
        { type: 'code', lang: step.language ?? (step.kind === 'sql' ? 'sql' : null), value: step.body } as RootContent,
      ],
  )
}

function riskTable(plan: DocPlan): Table {
  const extras = [...new Set(plan.risks.flatMap((r) => Object.keys(r.extra)))]
  const withOwner = plan.risks.some((r) => r.owner)
  const headers = ['Risk', 'Impact', 'Likelihood', 'Mitigation', ...(withOwner ? ['Owner'] : []), ...extras]
  const row = (cells: string[]) => ({
    type: 'tableRow' as const,
    children: cells.map((cell) => ({ type: 'tableCell' as const, children: cell ? [text(cell)] : [] })),
  })
  return {
    type: 'table',
    align: headers.map(() => null),
    children: [
      row(headers),
      ...plan.risks.map((r) =>
        row([
          r.title,
          r.impact ? IMPACT_LABELS[r.impact] : '',
          r.likelihood ? LIKELIHOOD_LABELS[r.likelihood] : '',
          r.mitigation,
          ...(withOwner ? [r.owner ?? ''] : []),
          ...extras.map((key) => r.extra[key] ?? ''),
        ]),
      ),
    ],
  }
}

function rollback(plan: DocPlan): RootContent[] {
  const out: RootContent[] = []
  let pending: ListItem[] = []
  const flush = () => {
    if (pending.length) out.push(list(pending, true))
    pending = []
  }
  for (const step of plan.rollbackSteps) {
    if (step.body === null) pending.push(listItem(step.text, null))
    else {
      flush()
      out.push(paragraph(text(`${step.text}:`)), { type: 'code', lang: step.language, value: step.body } as RootContent)
    }
  }
  flush()
  return out
}

/** Lines of text as a list, tasks of a Gantt chart as a Mermaid chart, in the order they come. */
function timeline(entries: DocTimelineEntry[]): RootContent[] {
  const runs: { tasks: boolean; format: string | null; entries: DocTimelineEntry[] }[] = []
  for (const entry of entries) {
    const last = runs.at(-1)
    const format = isTask(entry) ? dateFormatOf(entry) : null
    // A chart has one date format and one set of excluded days: tasks with others start a chart of their own.
    const sameDays = !last || (last.entries.at(-1)?.excludes ?? null) === entry.excludes
    if (last && last.tasks === isTask(entry) && sameDays && (!format || !last.format || format === last.format)) {
      last.entries.push(entry)
      last.format ??= format
    } else runs.push({ tasks: isTask(entry), format, entries: [entry] })
  }
  return runs.map((run) =>
    run.tasks
      ? ({ type: 'code', lang: 'mermaid', value: formatGantt(run.entries) } as RootContent)
      : list(run.entries.map((t) => listItem(t.text, null))),
  )
}

export function formatPlanDocument(plan: DocPlan): string {
  const doc: RootContent[] = [heading(1, plan.title), ...blocks(plan.summary)]
  if (plan.currentState) doc.push(heading(2, 'Current state'), ...blocks(plan.currentState))
  if (plan.targetState) doc.push(heading(2, 'Target state'), ...blocks(plan.targetState))
  if (plan.phases.length) {
    doc.push(heading(2, 'Phases'))
    plan.phases.forEach((phase, index) => {
      const inTitle = phase.window && TIME_LIKE.test(phase.window)
      doc.push(heading(3, `Phase ${index + 1}: ${phase.name}${inTitle ? ` (${phase.window})` : ''}`))
      if (phase.window && !inTitle) doc.push(paragraph(text(`Window: ${phase.window}`)))
      if (phase.goal) doc.push(paragraph(text(`Goal: ${phase.goal}`)))
      if (phase.items.length) doc.push(checklist<DocItem>(phase.items, (i) => i.done))
      doc.push(...steps(phase.steps))
    })
  }
  for (const c of plan.checklists) {
    doc.push(heading(2, /check ?list/i.test(c.name) ? c.name : `Checklist: ${c.name}`))
    if (c.items.length) doc.push(checklist<DocItem>(c.items, (i) => i.done))
  }
  if (plan.risks.length) doc.push(heading(2, 'Risks'), riskTable(plan))
  if (plan.successCriteria.length)
    doc.push(
      heading(2, 'Success criteria'),
      checklist(plan.successCriteria, (c) => c.met),
    )
  if (plan.rollbackTriggers.length) {
    const trigger = (t: DocPlan['rollbackTriggers'][number]): ListItem =>
      t.condition
        ? {
            type: 'listItem',
            spread: false,
            checked: null,
            children: [
              {
                type: 'paragraph',
                children: [
                  text(`${t.text} (`),
                  { type: 'inlineCode', value: describeCondition(t.condition) },
                  text(')'),
                ],
              },
            ],
          }
        : listItem(t.text, null)
    doc.push(heading(2, 'Rollback triggers'), list(plan.rollbackTriggers.map(trigger)))
  }
  if (plan.rollbackSteps.length) doc.push(heading(2, 'Rollback plan'), ...rollback(plan))
  if (plan.timeline.length) doc.push(heading(2, 'Timeline'), ...timeline(plan.timeline))
  if (plan.steps.length) doc.push(heading(2, 'Unplaced scripts'), ...steps(plan.steps))
  if (plan.notes.length) {
    doc.push(heading(2, 'Notes'))
    for (const note of plan.notes) doc.push(heading(3, note.title), ...blocks(note.body))
  }
  return `${toMarkdown({ type: 'root', children: doc } as Root, { extensions: [gfmToMarkdown()], bullet: '-', listItemIndent: 'one', fence: '`', fences: true, rule: '-' }).trim()}\n`
}
