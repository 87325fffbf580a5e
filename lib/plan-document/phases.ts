import type { Code, List, RootContent, Table } from 'mdast'
import { escapeRegExp, isSql, isTaskList, leadOf, lineOf, lines, numberedComments, phaseWordsIn, plain } from './nodes'
import { readConfiguredStep } from './configured-steps'
import { itemsFromTable, phasesFromTable } from './phase-tables'
import { PlanPartsReader } from './plan-parts'
import { RiskReader } from './risks'
import { classify, flatten, genericLabel, hasList, phaseTitle, type Section } from './sections'
import { keyOf } from './text'
import type { DocItem, DocPhase } from './types'

// Phases as documents write them: a section per phase ("## Phase 2: Data Migration (Week 2)"), a container of
// them ("## Migration Phases") holding sub-sections, lists or tables of phases, and what a phase holds – its
// window, goal, tasks (lists and tables, grouped by the line that introduces them) and scripts.

const WINDOW_LINE = /^(window|duration|timeline|when|timing|schedule|dates?|estimated duration)\s*:\s*(.+)$/i

export abstract class PhaseReader extends PlanPartsReader {
  readonly riskReader = new RiskReader(this)

  /** | Phase | Duration | Activities | – one phase a row. */
  tableOfPhases(table: Table): boolean {
    const phases = phasesFromTable(table)
    if (!phases) return false
    this.plan.phases.push(...phases)
    return true
  }

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
    for (let at = 0; at < nodes.length; at++) {
      const node = nodes[at]
      if (!node) continue
      const configured = readConfiguredStep(nodes, at)
      if (configured) {
        if (labelNode) rest.push(labelNode)
        label = null
        labelNode = null
        phase.steps.push(configured.step)
        if (configured.warning) this.warn(configured.warning.line, configured.warning.message)
        at += configured.used - 1
        continue
      }
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
      else if (node.type === 'table') phase.items.push(...itemsFromTable(node, group))
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
