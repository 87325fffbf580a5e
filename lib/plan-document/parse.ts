import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { gfm } from 'micromark-extension-gfm'
import type { RootContent } from 'mdast'
import { readConfiguredStep } from './configured-steps'
import { headingTree } from './heading-tree'
import { MAX_DOCUMENT_BYTES, TOO_LARGE } from './limits'
import { canonical, isSql, lineOf, markdown, plain } from './nodes'
import { PhaseReader } from './phases'
import { readPreamble } from './preamble'
import { classify, flatten, isChecklistShaped, mergePhases, type Section } from './sections'
import { repairText } from './text'
import { DocumentError, type DocPlan, type DocWarning } from './types'

// Reads a migration plan from a Markdown document by its structure: the heading tree, lists, task
// lists, tables and fenced code (mdast, GitHub-flavoured). Sections are recognised by what their titles
// say ("Rollback Plan", "Phase 2: Data Migration (Week 2)", "Risks & Mitigation"), not by position, and
// anything not understood is kept as a note and reported as a warning with its line.

export { MAX_DOCUMENT_BYTES } from './limits'
export { phaseTitle, TIME_LIKE } from './sections'

const FIELD_KIND = { summary: 'summary', currentState: 'current', targetState: 'target' } as const

/** Reads each section by its kind: phases (phases.ts), checklists, criteria, triggers, the timeline and the
 * rollback plan (plan-parts.ts), risks (risks.ts); the overview's text here, and what is none of these kept as notes. */
class Parser extends PhaseReader {
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
    for (let at = 0; at < section.nodes.length; at++) {
      const node = section.nodes[at]
      if (!node) continue
      const configured = readConfiguredStep(section.nodes, at)
      if (configured) {
        this.plan.steps.push(configured.step)
        if (configured.warning) this.warn(configured.warning.line, configured.warning.message)
        at += configured.used - 1
        label = null
        continue
      }
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
  const root = headingTree(tree, (code) => parser.schedule(code))

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
