import type { Code, Heading, List, RootContent, Table } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { gfm } from 'micromark-extension-gfm'
import { isSchedule } from './gantt'
import { MAX_DOCUMENT_BYTES, TOO_LARGE } from './limits'
import { PlanPartsReader } from './plan-parts'
import { RiskReader } from './risks'
import {
  boldLine,
  canonical,
  DONE_WORD,
  escapeRegExp,
  fencedMarkdown,
  isSql,
  isTaskList,
  leadOf,
  lineOf,
  lines,
  markdown,
  NOT_DONE_WORD,
  numberedComments,
  phaseWordsIn,
  plain,
} from './nodes'
import {
  classify,
  flatten,
  genericLabel,
  hasList,
  isChecklistShaped,
  mergePhases,
  phaseTitle,
  type Section,
} from './sections'
import { cleanName, keyOf, repairText } from './text'
import { DocumentError, type DocItem, type DocPhase, type DocPlan, type DocWarning } from './types'

// Reads a migration plan from a Markdown document by its structure: the heading tree, lists, task
// lists, tables and fenced code (mdast, GitHub-flavoured). Sections are recognised by what their titles
// say ("Rollback Plan", "Phase 2: Data Migration (Week 2)", "Risks & Mitigation"), not by position, and
// anything not understood is kept as a note and reported as a warning with its line.

export { MAX_DOCUMENT_BYTES } from './limits'
export { phaseTitle, TIME_LIKE } from './sections'

const FIELD_KIND = { summary: 'summary', currentState: 'current', targetState: 'target' } as const

const WINDOW_LINE = /^(window|duration|timeline|when|timing|schedule|dates?|estimated duration)\s*:\s*(.+)$/i

class Parser extends PlanPartsReader {
  readonly riskReader = new RiskReader(this)

  // ---- sections ------------------------------------------------------------------------------

  section(section: Section) {
    const kind = classify(section.key)
    // "### ✅ Migration Design" over "- [ ] **Item** text": a checklist, whatever the heading's words or decoration.
    if ((kind === 'unknown' || (kind === 'phases' && section.children.length === 0)) && isChecklistShaped(section))
      return this.taskChecklist(section)
    switch (kind) {
      case 'summary':
        return this.appendText('summary', section)
      case 'current':
        return this.appendText('currentState', section)
      case 'target':
        return this.appendText('targetState', section)
      case 'phases':
        return this.phaseContainer(section)
      case 'phase':
        return this.plan.phases.push(this.phaseFromSection(section))
      case 'checklist':
        return this.checklist(section)
      case 'risks':
        return this.riskReader.section(section)
      case 'criteria':
        return this.criteria(section)
      case 'triggers':
        return this.triggers(section)
      case 'rollback':
        return this.rollback(section)
      case 'timeline':
        return this.timeline(section)
      default:
        return this.unknown(section)
    }
  }

  appendText(field: 'summary' | 'currentState' | 'targetState', section: Section) {
    // "## Source Database Analysis" over "### Schema Inventory" task lists: those are checklists, not prose; and
    // "### Current State" or "### Timeline" beneath "## Migration Overview" are those parts of the plan.
    const apart = section.children.filter(
      (c) => isChecklistShaped(c) || (classify(c.key) !== 'unknown' && classify(c.key) !== FIELD_KIND[field]),
    )
    // A rule between sections ("---") separates them; it is not part of the text.
    const rendered = markdown(
      [...section.nodes, ...section.children.filter((c) => !apart.includes(c)).flatMap(flatten)].filter(
        (n) => n.type !== 'thematicBreak',
      ),
    )
    if (rendered) this.plan[field] = [this.plan[field], rendered].filter(Boolean).join('\n\n')
    for (const child of apart) this.section(child)
  }

  unknown(section: Section) {
    if (section.key === 'notes') {
      // Lockstep's own export: every sub-section is a note as it stands.
      this.keep(section.title, section.nodes, `Text under “${section.title}”`, section.line)
      for (const child of section.children)
        this.keep(
          child.title,
          [...child.nodes, ...child.children.flatMap(flatten)],
          `Note “${child.title}”`,
          child.line,
        )
      return
    }
    const rest: RootContent[] = []
    let label: string | null = null
    for (const node of section.nodes) {
      const stepLabel = node.type === 'paragraph' ? /^step\s*:\s*(.+)$/i.exec(plain(node))?.[1] : undefined
      if (stepLabel) {
        label = stepLabel
        continue
      }
      if (node.type === 'code' && isSql(node)) {
        this.plan.steps.push(this.step(node, label, section.title))
        this.warn(lineOf(node), `SQL block under “${section.title}” is not inside a phase; kept as an unplaced step.`)
      } else if (node.type === 'list') {
        const others = this.checklistsInList(node)
        if (others.children.length) rest.push(others)
      } else rest.push(node)
      label = null
    }
    this.keep(section.title, rest, `Section “${section.title}” is not part of a plan's structure`, section.line)
    for (const child of section.children) this.section(child)
  }

  // ---- phases --------------------------------------------------------------------------------

  phaseContainer(section: Section) {
    const firstPhase = this.plan.phases.length
    const rest: RootContent[] = []
    let listed = false
    section.nodes.forEach((node, i) => {
      const previous = section.nodes[i - 1]
      // "Phase 1: Foundation (Months 1-3)" on a line of its own, its tasks in the list beneath.
      const titled =
        previous?.type === 'paragraph' && classify(keyOf(plain(previous))) === 'phase' ? plain(previous) : null
      if (
        node.type === 'paragraph' &&
        classify(keyOf(plain(node))) === 'phase' &&
        section.nodes[i + 1]?.type === 'list'
      )
        return
      if (node.type === 'list' && titled) {
        const { name, window } = phaseTitle(titled)
        const phase: DocPhase = { name, window, goal: '', items: [], steps: [] }
        this.items(node, null, phase.items, phase.steps)
        this.plan.phases.push(phase)
        listed = true
      } else if (node.type === 'list' && this.listOfPhases(node, section.children.length === 0)) listed = true
      else if (node.type === 'list' && isTaskList(node)) {
        const items: DocItem[] = []
        this.items(node, null, items, this.plan.steps)
        this.plan.checklists.push({ name: section.title.slice(0, 200) || 'Checklist', items })
      } else if (node.type === 'table' && this.tableOfPhases(node)) listed = true
      else if (node.type === 'code' && isSql(node)) {
        this.plan.steps.push(this.step(node, null, section.title))
        this.warn(lineOf(node), `SQL block under “${section.title}” is not inside a phase; kept as an unplaced step.`)
      } else rest.push(node)
    })
    this.keep(section.title, rest, `Text under “${section.title}” outside its phases`)
    // Sub-sections are phases when titled like one; failing any such title (and any list of phases),
    // those holding a list are ("### Preparation" under "## Migration Steps").
    const explicit = listed || section.children.some((c) => ['phase', 'phases'].includes(classify(c.key)))
    for (const child of section.children) {
      const kind = classify(child.key)
      // "### Backfill script" beside a list of phases belongs to the phase it names.
      const named =
        kind === 'unknown'
          ? this.plan.phases
              .slice(firstPhase)
              .find((p) => keyOf(p.name) && new RegExp(`\\b${escapeRegExp(keyOf(p.name))}\\b`).test(child.key))
          : undefined
      if (kind === 'phases') this.phaseContainer(child)
      else if (named) this.phaseContent(named, [...child.nodes, ...child.children.flatMap(flatten)], null, child.title)
      else if (kind === 'phase' || (kind === 'unknown' && !explicit && hasList(child)))
        this.plan.phases.push(this.phaseFromSection(child))
      else this.section(child)
    }
  }

  /** | Phase | Duration | Activities | – one phase a row. */
  tableOfPhases(table: Table): boolean {
    const [header, ...rows] = table.children
    const headers = (header?.children ?? []).map((c) => plain(c).toLowerCase())
    const nameAt = Math.max(
      0,
      headers.findIndex((h) => /\b(phase|stage|name|step|milestone)\b/.test(h)),
    )
    const windowAt = headers.findIndex((h) =>
      /\b(duration|window|timeline|timing|when|week|weeks|dates?|schedule)\b/.test(h),
    )
    const goalAt = headers.findIndex((h) => /\b(goal|objective|description|purpose|scope)\b/.test(h))
    const itemsAt = headers.findIndex((h) => /\b(activities|tasks|deliverables|actions|steps)\b/.test(h))
    if (rows.length === 0) return false
    for (const row of rows) {
      const cell = (i: number) => (i >= 0 ? plain(row.children[i] ?? { type: 'text', value: '' }) : '')
      const { name, window } = phaseTitle(cell(nameAt))
      const items = cell(itemsAt)
        .split(/\s*[;,•]\s*|<br>/)
        .filter(Boolean)
        .map((text) => ({ text: text.slice(0, 2_000), done: false, group: null }))
      const extra = row.children
        .map((c, i) =>
          i === nameAt || i === windowAt || i === goalAt || i === itemsAt
            ? ''
            : plain(c)
              ? `${headers[i]}: ${plain(c)}`
              : '',
        )
        .filter(Boolean)
      this.plan.phases.push({
        name,
        window: cell(windowAt).slice(0, 100) || window,
        goal: [cell(goalAt), ...extra].filter(Boolean).join(' · ').slice(0, 2_000),
        items,
        steps: [],
      })
    }
    return true
  }

  /** A list whose items are phases ("1. **Preparation Phase**" with nested tasks). */
  listOfPhases(list: List, alone: boolean): boolean {
    const nestedCount = list.children.filter((item) => item.children.some((c) => c.type === 'list')).length
    const phaseWords = phaseWordsIn(list)
    // Tasks ("- [ ] Take a backup") are a checklist, never phases, unless they say they are phases.
    if (isTaskList(list) && phaseWords * 2 < list.children.length) return false
    if (nestedCount < list.children.length / 2 && phaseWords < list.children.length / 2 && !alone) return false
    for (const item of list.children) {
      const { name, window } = phaseTitle(leadOf(item).replace(/\s+phase$/i, ''))
      const phase: DocPhase = { name, window, goal: '', items: [], steps: [] }
      for (const child of item.children) {
        if (child.type === 'list') this.items(child, null, phase.items, phase.steps)
        else if (child.type === 'code') this.phaseCode(phase, child, null)
      }
      this.plan.phases.push(phase)
    }
    return true
  }

  phaseFromSection(section: Section): DocPhase {
    const { name, window } = phaseTitle(section.title)
    const phase: DocPhase = { name, window, goal: '', items: [], steps: [] }
    this.phaseContent(phase, section.nodes, null, section.title)
    for (const child of section.children) {
      // A phase's "Success Criteria" or "Rollback Triggers" are the plan's, not tasks of the phase.
      const kind = classify(child.key)
      if (kind === 'criteria') this.criteria(child, phase.name)
      else if (kind === 'triggers') this.triggers(child)
      else if (kind === 'risks') this.riskReader.section(child)
      else if (kind === 'rollback' && !genericLabel(child)) this.rollback(child, phase.name)
      else if (
        /^(estimated )?(duration|timeline|timing|window|schedule|time ?frame)$/.test(child.key) &&
        !phase.window &&
        child.nodes[0]?.type === 'paragraph' &&
        child.children.length === 0
      ) {
        phase.window = plain(child.nodes[0]).slice(0, 100)
        this.phaseContent(phase, child.nodes.slice(1), child.title, child.title)
      } else
        this.phaseContent(
          phase,
          [...child.nodes, ...child.children.flatMap(flatten)],
          genericLabel(child) ? null : child.title,
          child.title,
        )
    }
    return phase
  }

  phaseContent(phase: DocPhase, nodes: RootContent[], group: string | null, where: string) {
    let label: string | null = null
    let labelNode: RootContent | null = null
    const rest: RootContent[] = []
    for (const node of nodes) {
      // "For tables with > 1M rows:" before a list groups its items; before nothing it is text to keep.
      if (labelNode && node.type !== 'code' && node.type !== 'list') rest.push(labelNode)
      const intro = labelNode ? label : null
      labelNode = null
      if (node.type === 'list') {
        // "- **Duration**: 2 days" among the tasks is the phase's window, not a task.
        const items: DocItem[] = []
        this.items(node, group ?? intro ?? null, items, phase.steps)
        for (const item of items) {
          const window = /^(duration|estimated duration|window|timeline|timing|when|schedule)\s*:\s*(.+)$/i.exec(
            item.text,
          )?.[2]
          if (window && !phase.window) phase.window = window.slice(0, 100)
          else phase.items.push(item)
        }
      } else if (node.type === 'code') this.phaseCode(phase, node, label ?? group)
      else if (node.type === 'paragraph') {
        // "**Dates**: Day 8-14" may share its paragraph with other facts, one a line.
        const all = lines(node)
          .map((l) => l.trim())
          .filter(Boolean)
        const windowLine = all.length > 1 && !phase.window ? all.find((l) => WINDOW_LINE.test(l)) : undefined
        const windowMatch = WINDOW_LINE.exec(windowLine ?? plain(node))
        const text = windowLine ? all.filter((l) => l !== windowLine).join(' ') : plain(node)
        if (windowLine && windowMatch?.[2]) {
          phase.window = windowMatch[2].slice(0, 100)
          if (!phase.goal && !group) phase.goal = text.replace(/^goal\s*:\s*/i, '').slice(0, 2_000)
          else rest.push({ type: 'paragraph', children: [{ type: 'text', value: text }], position: node.position })
          continue
        }
        const stepLabel = /^step\s*:\s*(.+)$/i.exec(text)
        if (stepLabel?.[1]) label = stepLabel[1]
        else if (windowMatch?.[2] && !phase.window) phase.window = windowMatch[2].slice(0, 100)
        else if (text.endsWith(':')) {
          label = text.slice(0, -1)
          labelNode = node
        } else if (!phase.goal && !group) phase.goal = text.replace(/^goal\s*:\s*/i, '').slice(0, 2_000)
        else rest.push(node)
        continue
      } else if (node.type === 'heading' || node.type === 'thematicBreak') continue
      else if (node.type === 'table') this.tableItems(node, group, phase.items)
      else rest.push(node)
      label = null
    }
    if (labelNode) rest.push(labelNode)
    this.keep(
      `${phase.name}: ${where}`,
      rest,
      `Content of phase “${phase.name}” that is neither a checklist nor a script`,
    )
  }

  /** | Task | Owner | Status | – one item a row; a status such as "Done" or ✅ ticks it. */
  tableItems(table: Table, group: string | null, out: DocItem[]) {
    const [header, ...rows] = table.children
    const headers = (header?.children ?? []).map((c) => plain(c).toLowerCase())
    const textAt = Math.max(
      0,
      headers.findIndex((h) => /\b(task|item|step|action|activity|check|description|what)\b/.test(h)),
    )
    for (const row of rows) {
      const cells = row.children.map(plain)
      const status = (c: string) => DONE_WORD.test(c) || NOT_DONE_WORD.test(c)
      const others = cells.filter((c, i) => i !== textAt && c && !status(c))
      const text = [cells[textAt], ...others].filter(Boolean).join(' – ')
      if (text) out.push({ text: text.slice(0, 2_000), done: cells.some((c) => DONE_WORD.test(c)), group })
    }
  }

  phaseCode(phase: DocPhase, code: Code, label: string | null) {
    phase.steps.push(this.step(code, label, phase.name))
    // A runbook's numbered comments are the phase's checklist ("# 1. Install dependencies").
    if (isSql(code)) return
    for (const { text } of numberedComments(code.value)) {
      if (!phase.items.some((item) => item.text === text))
        phase.items.push({ text: text.slice(0, 2_000), done: false, group: null })
    }
  }
}

function decode(input: string | Uint8Array, warnings: DocWarning[]): string {
  if (typeof input === 'string') {
    if (Buffer.byteLength(input, 'utf8') > MAX_DOCUMENT_BYTES) throw tooLarge()
    if (input.includes('\u0000')) throw new DocumentError('This file is binary, not a Markdown document.')
    return input
  }
  if (input.byteLength > MAX_DOCUMENT_BYTES) throw tooLarge()
  if (input.includes(0)) throw new DocumentError('This file is binary, not a Markdown document.')
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input)
  } catch {
    warnings.push({ line: null, message: 'The file is not UTF-8; it was read as Windows-1252.' })
    return new TextDecoder('windows-1252').decode(input)
  }
}

const tooLarge = () => new DocumentError(TOO_LARGE)

/** Reads a plan from Markdown. Throws DocumentError when the input cannot be a plan at all. */
export function parsePlanDocument(input: string | Uint8Array): DocPlan {
  const early: DocWarning[] = []
  const raw = decode(input, early)
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
  if (!raw.trim()) throw new DocumentError('The document is empty.')
  const controls = raw.match(/[\x01-\x08\x0e-\x1f\x7f]/g)?.length ?? 0
  if (controls > 0 && controls > raw.length / 100)
    throw new DocumentError('This file is binary, not a Markdown document.')
  const { text, repairedLines } = repairText(raw)
  if (repairedLines.length) {
    early.push({
      line: repairedLines[0] ?? null,
      message: `Repaired garbled characters (UTF-8 read in the wrong encoding) on ${repairedLines.length} line${repairedLines.length === 1 ? '' : 's'}.`,
    })
  }

  const tree = fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] })
  if (!tree.children.some((n) => n.type === 'heading' || n.type === 'list' || n.type === 'table')) {
    throw new DocumentError('This does not look like a migration plan: it has no headings, lists or tables.')
  }

  const parser = new Parser()
  parser.warnings.push(...early)
  // The heading tree.
  const root: Section = { heading: null, title: '', key: '', line: null, nodes: [], children: [] }
  const stack: { depth: number; section: Section }[] = [{ depth: 0, section: root }]
  let headingDepth = 0
  for (const [index, original] of tree.children.entries()) {
    if (original.type === 'code' && isSchedule(original)) {
      parser.schedule(original)
      continue
    }
    // A checklist or a list of phases written inside a ```markdown fence (a template to copy) is read as the
    // Markdown it is; other fenced Markdown (a risk written as "Risk: …" lines) stays a script, kept as a note.
    const fenced =
      original.type === 'code' && /^(markdown|md)$/i.test(original.lang ?? '') ? fencedMarkdown(original) : null
    const phaseTitled = (nodes: RootContent[]) =>
      nodes.some(
        (n, i) => n.type === 'paragraph' && classify(keyOf(plain(n))) === 'phase' && nodes[i + 1]?.type === 'list',
      )
    if (fenced && (fenced.some((n) => n.type === 'list' && isTaskList(n)) || phaseTitled(fenced))) {
      stack.at(-1)?.section.nodes.push(...fenced)
      continue
    }
    // A line that is only bold text ("**Rollback triggers:**") right before a list, table or script
    // works as a heading one level below the last real one.
    const next = tree.children[index + 1]?.type
    const pseudo =
      headingDepth > 0 && original.type === 'paragraph' && ['list', 'table', 'code'].includes(next ?? '')
        ? boldLine(original)
        : null
    const node: RootContent = pseudo
      ? {
          type: 'heading',
          depth: Math.min(headingDepth + 1, 6) as Heading['depth'],
          children: pseudo,
          position: original.position,
        }
      : original
    if (node.type === 'heading' && !pseudo) headingDepth = node.depth
    if (node.type === 'heading') {
      while ((stack.at(-1)?.depth ?? 0) >= node.depth) stack.pop()
      const title = cleanName(plain(node)) || plain(node)
      const section: Section = { heading: node, title, key: keyOf(title), line: lineOf(node), nodes: [], children: [] }
      stack.at(-1)?.section.children.push(section)
      stack.push({ depth: node.depth, section })
    } else stack.at(-1)?.section.nodes.push(node)
  }

  const [first, ...others] = root.children
  let top: Section[]
  let preamble: RootContent[] = root.nodes
  if (first?.heading?.depth === 1) {
    parser.plan.title = first.title.slice(0, 200)
    preamble = [...root.nodes, ...first.nodes]
    top = [...first.children, ...others]
  } else {
    parser.plan.title = 'Untitled migration plan'
    parser.warn(
      lineOf(first?.heading) ?? 1,
      'The document has no top-level (#) title; the plan is called “Untitled migration plan”.',
    )
    top = root.children
  }
  readPreamble(parser, preamble)
  for (const section of top) parser.section(section)

  parser.plan.timeline = parser.plan.timeline
    .map((entry, i) => ({ entry, i, line: parser.timelineLines.get(entry) ?? 0 }))
    .sort((a, b) => a.line - b.line || a.i - b.i)
    .map((e) => e.entry)
  parser.plan.phases = mergePhases(parser.plan.phases, (message) => parser.warn(null, message))
  if (parser.plan.phases.length === 0 && parser.plan.checklists.length > 0) {
    const items = parser.plan.checklists.reduce((n, c) => n + c.items.length, 0)
    parser.warn(
      null,
      `No phases found; the document is read as a plan of ${parser.plan.checklists.length} checklist${parser.plan.checklists.length === 1 ? '' : 's'} (${items} item${items === 1 ? '' : 's'}).`,
    )
  } else if (parser.plan.phases.length === 0)
    parser.warn(null, 'No phases found (sections such as “Phase 1: Preparation” or a list under “Migration Phases”).')
  parser.plan.summary = canonical(parser.plan.summary).slice(0, 10_000)
  parser.plan.currentState = canonical(parser.plan.currentState).slice(0, 10_000)
  parser.plan.targetState = canonical(parser.plan.targetState).slice(0, 10_000)
  return { ...parser.plan, warnings: parser.warnings }
}

const PREAMBLE_CURRENT = /\b(?:current|source|from)\s*:\s*(.+?)(?:\s*(?:→|->|=>|\bto\b)\s*|$)/i
const PREAMBLE_TARGET = /\b(?:target|destination|to)\s*:\s*(.+)$/i

/** Text between the title and the first section: "**Current**: SQLite → **Target**: PostgreSQL", a summary. */
function readPreamble(parser: Parser, nodes: RootContent[]) {
  const summary: string[] = []
  for (const node of nodes) {
    if (node.type !== 'paragraph') {
      // Lists, quotes and tables of the introduction are part of the summary, as Markdown.
      if (node.type === 'code' && isSql(node)) {
        parser.plan.steps.push(parser.step(node, null, 'Introduction'))
        parser.warn(lineOf(node), 'SQL block before the first section is not inside a phase; kept as an unplaced step.')
      } else if (node.type !== 'thematicBreak' && node.type !== 'definition') summary.push(markdown([node]))
      continue
    }
    const kept: string[] = []
    const all = lines(node)
    if (!all.some((line) => PREAMBLE_CURRENT.test(line) || PREAMBLE_TARGET.test(line))) {
      summary.push(markdown([node])) // as written, inline code and emphasis included
      continue
    }
    for (const line of all) {
      const current = PREAMBLE_CURRENT.exec(line)?.[1]
      const target = PREAMBLE_TARGET.exec(line)?.[1]
      if (current) parser.plan.currentState ||= current.trim()
      if (target) parser.plan.targetState ||= target.trim()
      if (!current && !target && line.trim()) kept.push(line.trim())
    }
    // Lines the author broke explicitly ("**Version**: 1.0  ") stay on lines of their own.
    const hardBreaks = node.children.some((c) => c.type === 'break')
    if (kept.length) summary.push(kept.join(hardBreaks ? '  \n' : '\n'))
  }
  if (summary.length) parser.plan.summary = summary.join('\n\n')
}
