import type { List, ListItem, RootContent } from 'mdast'
import { splitCondition } from '@/lib/domain/health'
import { textEntry } from './mermaid'
import {
  isSql,
  lastLeaf,
  leadOf,
  LEADING_EMOJI,
  lineOf,
  lines,
  numberedComments,
  plain,
  stepName,
  tableRows,
} from './nodes'
import { DocumentReader } from './reader'
import { classify, flatten, genericLabel, hasList, isChecklistShaped, type Section } from './sections'
import { cleanName, keyOf } from './text'
import type { DocItem, DocPhase, DocStep } from './types'

// The plan-level parts of a document: checklists, success criteria, rollback triggers, the timeline and the
// rollback plan.

export abstract class PlanPartsReader extends DocumentReader {
  /** A section that is a phase ("### Week 1" with its tasks, on a timeline). */
  abstract phaseFromSection(section: Section): DocPhase

  /** Pulls "Pre-migration …" / "Post-migration …" / "… checklist" items out of a list as plan checklists. */
  checklistsInList(list: List): List {
    const keep: ListItem[] = []
    for (const item of list.children) {
      const lead = leadOf(item)
      const nested = item.children.filter((c): c is List => c.type === 'list')
      if (
        nested.length &&
        /^(pre|post)[ -]?(migration|deployment|cutover|launch)\b|^(before|after) (the )?(migration|deployment|cutover|launch|go[ -]live)\b|\bcheck ?list\b/i.test(
          cleanName(lead),
        )
      ) {
        const items: DocItem[] = []
        for (const n of nested) this.items(n, null, items, [])
        this.plan.checklists.push({ name: cleanName(lead).slice(0, 200), items })
      } else keep.push(item)
    }
    return { ...list, children: keep }
  }

  /** A heading over task lists: one checklist of its own lists; its sub-sections are read on their own. */
  taskChecklist(section: Section) {
    const items: DocItem[] = []
    const checklist = {
      name: section.title.replace(/^check ?list\s*[:–—-]\s*/i, '').slice(0, 200) || 'Checklist',
      items,
    }
    this.plan.checklists.push(checklist)
    this.checklistNodes(section.title, section.nodes, null, items)
    for (const child of section.children) this.section(child)
  }

  /**
   * The lists of a checklist as its items. A line ending with ":" right before a list ("For tables with > 1M
   * rows:") names that list's group; SQL becomes an unplaced step; other content is kept as a note.
   */
  checklistNodes(title: string, nodes: RootContent[], group: string | null, items: DocItem[]) {
    const rest: RootContent[] = []
    nodes.forEach((node, i) => {
      const previous = nodes[i - 1]
      const intro =
        previous?.type === 'paragraph' && plain(previous).endsWith(':') ? plain(previous).slice(0, -1).trim() : null
      if (node.type === 'list') this.items(node, group ?? intro, items, this.plan.steps)
      else if (node.type === 'paragraph' && plain(node).endsWith(':') && nodes[i + 1]?.type === 'list') return
      else if (node.type === 'code' && isSql(node)) {
        this.plan.steps.push(this.step(node, null, title))
        this.warn(
          lineOf(node),
          `SQL block in the checklist “${title}” is not inside a phase; kept as an unplaced step.`,
        )
      } else if (node.type !== 'thematicBreak' && node.type !== 'heading') rest.push(node)
    })
    this.keep(title, rest, `Text in the checklist “${title}”`)
  }

  // ---- plan-level parts ----------------------------------------------------------------------

  checklist(section: Section) {
    // "## Checklists" with "### Pre-migration" and "### Post-migration" beneath: one checklist each.
    if (section.children.length && !section.nodes.some((n) => n.type === 'list')) {
      this.keep(section.title, section.nodes, `Text in “${section.title}”`)
      for (const child of section.children) this.checklist(child)
      return
    }
    // One list of "Before cutover" / "After cutover" entries is as many checklists.
    const lists = section.nodes.filter((n): n is List => n.type === 'list')
    const [only] = lists
    if (
      lists.length === 1 &&
      only &&
      only.children.length > 1 &&
      only.children.every(
        (i) => /^(pre|post|before|after)\b/i.test(cleanName(leadOf(i))) && i.children.some((c) => c.type === 'list'),
      )
    ) {
      const before = this.plan.checklists.length
      const others = this.checklistsInList(only)
      if (this.plan.checklists.length - before === only.children.length && others.children.length === 0) {
        this.keep(
          section.title,
          section.nodes.filter((n) => n !== only),
          `Text in “${section.title}”`,
        )
        for (const child of section.children) this.checklist(child)
        return
      }
    }
    const items: DocItem[] = []
    const name = section.title.replace(/^check ?list\s*[:–—-]\s*/i, '') || section.title
    this.plan.checklists.push({ name: name.slice(0, 200), items })
    this.checklistNodes(section.title, section.nodes, null, items)
    for (const child of section.children)
      this.checklistNodes(section.title, [...child.nodes, ...child.children.flatMap(flatten)], child.title, items)
  }

  /** `group` names the phase whose sub-section these criteria are. */
  criteria(section: Section, group: string | null = null) {
    this.leaves(
      section,
      (text, done, g) => this.plan.successCriteria.push({ text, met: done, group: g }),
      'success criteria',
      group,
    )
  }

  triggers(section: Section) {
    // A trigger has no group: the entry a detail sits under is part of its text.
    this.leaves(
      section,
      (text, _done, _group, parent) =>
        this.plan.rollbackTriggers.push(splitCondition(parent ? `${parent}: ${text}` : text)),
      'rollback triggers',
    )
  }

  timeline(section: Section) {
    const rest: RootContent[] = []
    let at = 0
    const add = (text: string) => {
      if (!text) return
      const entry = textEntry(text)
      this.timelineLines.set(entry, at)
      this.plan.timeline.push(entry)
    }
    // "### Week 1" with its tasks beneath is a phase laid out on the timeline.
    const phases = section.children.filter((c) => classify(c.key) === 'phase' && hasList(c))
    for (const child of phases) this.plan.phases.push(this.phaseFromSection(child))
    for (const node of [...section.nodes, ...section.children.filter((c) => !phases.includes(c)).flatMap(flatten)]) {
      at = lineOf(node) ?? at
      if (node.type === 'list') {
        const items: DocItem[] = []
        this.items(node, null, items, [])
        for (const item of items) add(item.group ? `${item.group}: ${item.text}` : item.text)
      } else if (node.type === 'code') {
        // "Week 1 / Day 1-2" trees drawn in a code block: one entry per line, tree drawing removed.
        for (const line of node.value.split('\n'))
          add(
            line
              .replace(/^[\s│├└─|`+\\-]+/u, '')
              .replace(/\s+/g, ' ')
              .trim(),
          )
      } else if (node.type === 'paragraph' || node.type === 'heading') add(plain(node))
      else if (node.type === 'table') for (const row of tableRows(node)) add(row)
      else if (node.type !== 'thematicBreak') rest.push(node)
    }
    this.keep(section.title, rest, `Part of the timeline “${section.title}”`)
  }

  /** `group` names the phase whose sub-section this rollback plan is; its steps say so. */
  rollback(section: Section, group: string | null = null) {
    let label: string | null = null
    // A list whose last entry ends with ":" ("2. Replay writes:") hands it the script that follows.
    let awaitingScript: number | null = null
    const rest: RootContent[] = []
    const steps = this.plan.rollbackSteps
    const walk = (nodes: RootContent[], group: string | null) => {
      for (const node of nodes) {
        const awaiting = awaitingScript
        awaitingScript = null
        if (node.type === 'code' && awaiting !== null && steps[awaiting]) {
          Object.assign(steps[awaiting], { body: node.value, language: node.lang ?? null })
          continue
        }
        if (node.type === 'list') {
          const items: DocItem[] = []
          const scripts: DocStep[] = []
          this.items(node, group, items, scripts)
          if (label && classify(keyOf(label)) === 'triggers') {
            for (const item of items) this.plan.rollbackTriggers.push(splitCondition(item.text))
            label = null
            continue
          }
          label = null
          const at = new Map<string, number>()
          for (const item of items) {
            at.set(item.text, steps.length)
            steps.push({ text: item.group ? `${item.group}: ${item.text}` : item.text, body: null, language: null })
          }
          const lastEntry = items.length ? steps.length - 1 : null
          // A script indented under an entry belongs to that entry.
          for (const script of scripts) {
            const index = at.get(script.name)
            if (index !== undefined && steps[index]?.body === null)
              Object.assign(steps[index], { body: script.body, language: script.language })
            else steps.push({ text: script.name, body: script.body, language: script.language })
          }
          const last = lastLeaf(node)
          if (last && leadOf(last).trim().endsWith(':') && last.children.every((c) => c.type !== 'code'))
            awaitingScript = lastEntry
        } else if (node.type === 'code') {
          const numbered = numberedComments(node.value)
          if (numbered.length)
            for (const { text, body } of numbered) steps.push({ text, body, language: node.lang ?? null })
          else
            steps.push({
              text: stepName(node, label, 'Rollback script'),
              body: node.value,
              language: node.lang ?? null,
            })
          label = null
        } else if (node.type === 'paragraph') {
          const text = plain(node)
          if (text.endsWith(':')) label = text.slice(0, -1)
          else steps.push({ text: text.slice(0, 20_000), body: null, language: null })
        } else if (node.type === 'heading' || node.type === 'thematicBreak') continue
        else rest.push(node)
      }
    }
    walk(section.nodes, group)
    for (const child of section.children) {
      if (classify(child.key) === 'triggers') this.triggers(child)
      // "Rollback Readiness" over a task list is what to have ready, not what to do.
      else if (
        /\b(readiness|ready|prerequisites|preparation|check ?list)\b/.test(child.key) &&
        isChecklistShaped(child)
      )
        this.taskChecklist(child)
      // "Steps" or "Procedure" says nothing a rollback step needs repeating.
      else walk([...child.nodes, ...child.children.flatMap(flatten)], genericLabel(child) ? group : child.title)
    }
    this.keep(section.title, rest, `Part of the rollback plan “${section.title}”`)
  }

  /** Criteria and triggers: list leaves (task state kept), table rows or paragraphs, one each. */
  leaves(
    section: Section,
    add: (text: string, done: boolean, group: string | null, parent: string | null) => void,
    what: string,
    group: string | null = null,
  ) {
    const rest: RootContent[] = []
    const walk = (nodes: RootContent[], group: string | null) => {
      for (const node of nodes) {
        if (node.type === 'list') {
          const items: DocItem[] = []
          this.items(node, group, items, [])
          // An entry's group other than the section's is the list entry it sits under ("Data loss > 1%").
          for (const item of items) add(item.text, item.done, item.group, item.group !== group ? item.group : null)
        } else if (node.type === 'paragraph') {
          // "🚨 Error rate > 1% for 5 minutes" a line, each line marked: one entry a line.
          const marked = lines(node)
            .map((l) => l.trim())
            .filter(Boolean)
          if (marked.length > 1 && marked.every((l) => LEADING_EMOJI.test(l) || /^[•·▪►→]\s/.test(l)))
            for (const l of marked) add(l.replace(LEADING_EMOJI, '').replace(/^[•·▪►→]\s+/, ''), false, group, null)
          // "Roll back if any of these hold:" introduces the list; it is not an entry itself.
          else if (!plain(node).endsWith(':')) add(plain(node), false, group, null)
        } else if (node.type === 'table') for (const row of tableRows(node)) add(row, false, group, null)
        else if (node.type !== 'thematicBreak' && node.type !== 'heading') rest.push(node)
      }
    }
    walk(section.nodes, group)
    for (const child of section.children)
      walk([...child.nodes, ...child.children.flatMap(flatten)], genericLabel(child) ? group : child.title)
    this.keep(section.title, rest, `Part of the ${what} “${section.title}”`)
  }
}
