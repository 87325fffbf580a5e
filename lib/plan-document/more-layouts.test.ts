import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatPlanDocument } from './format'
import { parsePlanDocument } from './parse'
import type { DocPlan } from './types'

// Six more plans of the family, each laid out differently (phases as top-level sections, numbered steps,
// a phase table, weeks with days, CRLF line endings, risk tables in other column orders, risk lists, bold
// pseudo-headings, scripts in rollback lists). expected.json holds, per document, the structure a careful
// reader takes from it: phases as [name, window, items, ticked items, scripts], checklists, risks with
// their levels, and the number of criteria, triggers and rollback steps.
const DIR = join(import.meta.dirname, 'fixtures', 'more')
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, unknown>
const documents = readdirSync(DIR).filter((name) => name.endsWith('.md'))

const shape = (p: DocPlan) => ({
  title: p.title,
  phases: p.phases.map((ph) => [
    ph.name,
    ph.window,
    ph.items.length,
    ph.items.filter((i) => i.done).length,
    ph.steps.length,
  ]),
  checklists: p.checklists.map((c) => [c.name, c.items.length]),
  risks: p.risks.map((r) => [r.title, r.impact, r.likelihood]),
  criteria: p.successCriteria.length,
  triggers: p.rollbackTriggers.length,
  rollbackSteps: p.rollbackSteps.length,
})

describe('plans laid out in other ways', () => {
  it('has an expectation for every document', () => {
    expect(Object.keys(expected).sort()).toEqual(documents.sort())
  })

  it.each(documents)('reads %s as a careful reader would', (name) => {
    const plan = parsePlanDocument(readFileSync(join(DIR, name)))
    expect(shape(plan)).toEqual(expected[name])
  })

  it.each(documents)('formats %s to Markdown that reads back the same', (name) => {
    const plan = parsePlanDocument(readFileSync(join(DIR, name)))
    const again = parsePlanDocument(formatPlanDocument(plan))
    expect({ ...again, warnings: [], notes: [] }).toEqual({ ...plan, warnings: [], notes: [] })
  })
})
