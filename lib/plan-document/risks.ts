import type { ListItem, RootContent, Table } from 'mdast'
import { impactLevel, likelihoodLevel } from './levels'
import { leadOf, lineOf, lines, plain } from './nodes'
import { classify, flatten, newRisk, type Section } from './sections'
import { cleanName } from './text'
import type { DocPlan, DocRisk } from './types'

// Risk registers as documents write them: tables in any column order, lists with the facts beneath each
// risk, "### Risk 1: …" sub-sections, levels in words or colours.

/** What the risk reader needs of the parser: the plan it fills, and its warnings and notes. */
export type RiskHost = {
  plan: Pick<DocPlan, 'risks'>
  warn(line: number | null, message: string): void
  keep(title: string, nodes: RootContent[], why: string, line?: number | null): void
  /** Reads a section that is another part of the plan ("Rollback Triggers" beneath "Risk Assessment"). */
  section(section: Section): void
}

export class RiskReader {
  constructor(private readonly host: RiskHost) {}

  /** A section of risks: a table, a list, or a sub-section per risk. */
  section(section: Section) {
    const rest: RootContent[] = []
    const before = this.host.plan.risks.length
    for (const node of section.nodes) {
      if (node.type === 'table') this.riskTable(node)
      else if (node.type === 'list') for (const item of node.children) this.riskFromItem(item)
      else if (node.type === 'paragraph' || node.type === 'thematicBreak') rest.push(node)
      else rest.push(node)
    }
    for (const child of section.children) {
      // "### Critical Risks" is a register of its own; "### Rollback Triggers" is another part of the plan.
      const kind = classify(child.key)
      if (kind === 'risks' && !/^risk\s*\d/.test(child.key)) {
        this.section(child)
        continue
      }
      if (kind !== 'risks' && kind !== 'unknown' && kind !== 'phase') {
        this.host.section(child)
        continue
      }
      // "### Risk 1: Data loss" with its facts as a list or table beneath.
      const risk = newRisk(cleanName(child.title.replace(/^risk\s*\d*\s*[:.\-–]?\s*/i, '')) || child.title)
      for (const node of child.nodes) {
        if (node.type === 'list') for (const item of node.children) this.riskFact(risk, leadOf(item), item)
        else if (node.type === 'paragraph') for (const line of lines(node)) this.riskFact(risk, line.trim(), null)
        else if (node.type === 'table') this.riskTable(node)
        else if (node.type !== 'thematicBreak') rest.push(node)
      }
      for (const grandchild of child.children) rest.push(...flatten(grandchild))
      this.addRisk(risk, child.line)
    }
    this.host.keep(
      section.title,
      rest.filter((n) => n.type !== 'thematicBreak'),
      `Text in the risk section “${section.title}”`,
    )
    const unrated = this.host.plan.risks.slice(before).filter((r) => !r.impact || !r.likelihood).length
    if (unrated)
      this.host.warn(
        section.line,
        `${unrated} risk${unrated === 1 ? ' is' : 's are'} not fully rated (impact or likelihood missing or not understood); rate ${unrated === 1 ? 'it' : 'them'} after import.`,
      )
  }

  riskTable(table: Table) {
    const [header, ...rows] = table.children
    if (!header) return
    const headers = header.children.map(plain)
    const role = (h: string): keyof DocRisk | 'extra' => {
      const k = h.toLowerCase()
      if (/^(#|no\.?|id|ref)$|\b(id|ref)$/.test(k)) return 'extra'
      if (/\b(impact|severity|consequence|level|rating|priority)\b/.test(k)) return 'impact'
      if (/\b(likelihood|probability|chance|frequency)\b/.test(k)) return 'likelihood'
      if (/\b(mitigation|response|action|contingency|countermeasure|plan)\b/.test(k)) return 'mitigation'
      if (/\b(owner|responsible|assignee)\b/.test(k)) return 'owner'
      if (/\b(risk|title|issue|threat|description|name)\b/.test(k)) return 'title'
      return 'extra'
    }
    // One column of each kind (the first); a second "Description" column is kept as extra.
    const roles = headers.map(role).map((r, i, all) => (r !== 'extra' && all.indexOf(r) !== i ? 'extra' : r))
    if (!roles.includes('title')) roles[roles.indexOf('extra') === -1 ? 0 : roles.indexOf('extra')] = 'title'
    for (const row of rows) {
      const cells = row.children.map(plain)
      const risk = newRisk(cells[roles.indexOf('title')] ?? '')
      cells.forEach((cell, i) => {
        const r = roles[i]
        if (r === 'impact') this.level(risk, 'impact', cell, lineOf(row))
        else if (r === 'likelihood') this.level(risk, 'likelihood', cell, lineOf(row))
        else if (r === 'mitigation') risk.mitigation = cell.slice(0, 5_000)
        else if (r === 'owner') risk.owner = cell.slice(0, 200) || null
        else if (r === 'extra' && cell) risk.extra[headers[i] || `Column ${i + 1}`] = cell
      })
      this.addRisk(risk, lineOf(row))
    }
  }

  riskFromItem(item: ListItem) {
    const lead = leadOf(item)
    const strong =
      item.children[0]?.type === 'paragraph' && item.children[0].children[0]?.type === 'strong'
        ? plain(item.children[0].children[0])
        : null
    const title = cleanName(strong ?? lead.split(/\s[–—-]\s|:\s/)[0] ?? lead)
    const risk = newRisk(title)
    const remainder = lead
      .slice((strong ?? title).length)
      .replace(/^[\s:–—-]+/, '')
      .trim()
    if (remainder) this.riskInline(risk, remainder)
    for (const child of item.children)
      if (child.type === 'list') for (const fact of child.children) this.riskFact(risk, leadOf(fact), fact)
    this.addRisk(risk, lineOf(item))
  }

  /** "(Impact: High, Likelihood: Low)" or a description after the title. */
  riskInline(risk: DocRisk, text: string) {
    // A level is a word or two after its name ("Impact: High", "likelihood very low"); the rest of the
    // text, once the levels are taken out, is the mitigation.
    let rest = text
    for (const field of ['impact', 'likelihood'] as const) {
      const names = field === 'impact' ? 'impact|severity' : 'likelihood|probability'
      const match = new RegExp(`\\b(?:${names})\\s*[:=]?\\s*([\\p{L}\\p{N}]+(?:[ -][\\p{L}]+)?)`, 'iu').exec(rest)
      if (!match?.[1]) continue
      const [first = '', second] = match[1].split(/[ -]/)
      const twoWords =
        second !== undefined && (field === 'impact' ? impactLevel(match[1]) : likelihoodLevel(match[1])) !== undefined
      const value = twoWords ? match[1] : first
      this.level(risk, field, value, null)
      rest = rest.replace(new RegExp(`\\b(?:${names})\\s*[:=]?\\s*${value.replace(/[-]/g, '[ -]')}`, 'iu'), '')
    }
    const mitigation = rest
      .replace(/\(\s*[,;]?\s*[,;]?\s*\)/g, '')
      .replace(/^[\s,;:.()–—-]+|[\s,;:()–—-]+$/g, '')
      .replace(/^mitigat(?:e|ed|ion)\s*(?:by|:)?\s*/i, '')
      .trim()
    if (mitigation) risk.mitigation = [risk.mitigation, mitigation].filter(Boolean).join('; ').slice(0, 5_000)
  }

  riskFact(risk: DocRisk, text: string, item: ListItem | null) {
    if (!text) return
    const match = /^([\p{L} /]+?)\s*[:=]\s*(.+)$/u.exec(text)
    const key = match?.[1]?.toLowerCase().trim() ?? ''
    const value = match?.[2]?.trim() ?? ''
    if (/^(impact|severity)$/.test(key)) this.level(risk, 'impact', value, lineOf(item))
    else if (/^(likelihood|probability)$/.test(key)) this.level(risk, 'likelihood', value, lineOf(item))
    else if (/^(mitigation|mitigations|response|action|contingency)$/.test(key))
      risk.mitigation = [risk.mitigation, value].filter(Boolean).join('; ').slice(0, 5_000)
    else if (/^(owner|responsible)$/.test(key)) risk.owner = value.slice(0, 200)
    else if (match && key.split(' ').length <= 3) risk.extra[match[1]?.trim() ?? key] = value
    else risk.mitigation = [risk.mitigation, text].filter(Boolean).join('; ').slice(0, 5_000)
    if (item)
      for (const child of item.children)
        if (child.type === 'list') for (const sub of child.children) this.riskFact(risk, leadOf(sub), sub)
  }

  level(risk: DocRisk, field: 'impact' | 'likelihood', raw: string, line: number | null) {
    const level = field === 'impact' ? impactLevel(raw) : likelihoodLevel(raw)
    if (level === undefined)
      this.host.warn(line, `Risk “${risk.title}”: ${field} “${raw}” is not a level Lockstep knows; left unset.`)
    else if (field === 'impact') risk.impact = level as DocRisk['impact']
    else risk.likelihood = level as DocRisk['likelihood']
  }

  addRisk(risk: DocRisk, line: number | null) {
    if (!risk.title) {
      this.host.warn(line, 'A risk without a title was skipped.')
      return
    }
    this.host.plan.risks.push(risk)
  }
}
