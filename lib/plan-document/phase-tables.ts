import type { Table } from 'mdast'
import { DONE_WORD, NOT_DONE_WORD, plain } from './nodes'
import { phaseTitle } from './sections'
import type { DocItem, DocPhase } from './types'

// Phases and checklist items written as tables: a row each, the columns found by their headers' words.

/** | Phase | Duration | Activities | – one phase a row; null when the table has no rows. */
export function phasesFromTable(table: Table): DocPhase[] | null {
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
  if (rows.length === 0) return null
  return rows.map((row) => {
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
    return {
      name,
      window: cell(windowAt).slice(0, 100) || window,
      goal: [cell(goalAt), ...extra].filter(Boolean).join(' · ').slice(0, 2_000),
      items,
      steps: [],
    }
  })
}

/** | Task | Owner | Status | – one item a row; a status such as "Done" or ✅ ticks it. */
export function itemsFromTable(table: Table, group: string | null): DocItem[] {
  const [header, ...rows] = table.children
  const headers = (header?.children ?? []).map((c) => plain(c).toLowerCase())
  const textAt = Math.max(
    0,
    headers.findIndex((h) => /\b(task|item|step|action|activity|check|description|what)\b/.test(h)),
  )
  const out: DocItem[] = []
  for (const row of rows) {
    const cells = row.children.map(plain)
    const status = (c: string) => DONE_WORD.test(c) || NOT_DONE_WORD.test(c)
    const others = cells.filter((c, i) => i !== textAt && c && !status(c))
    const text = [cells[textAt], ...others].filter(Boolean).join(' – ')
    if (text) out.push({ text: text.slice(0, 2_000), done: cells.some((c) => DONE_WORD.test(c)), group })
  }
  return out
}
