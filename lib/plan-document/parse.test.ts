import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Nodes } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { gfm } from 'micromark-extension-gfm'
import { describe, expect, it } from 'vitest'
import { formatPlanDocument } from './format'
import { isSafeUrl } from './inert-markdown'
import { parsePlanDocument, phaseTitle } from './parse'
import { DocumentError, type DocPlan } from './types'

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name))
const names = (plan: DocPlan) => plan.phases.map((p) => p.name)

describe('the five-week plan', () => {
  const plan = parsePlanDocument(fixture('generic-five-week-plan.md'))

  it('reads title, states and the five phases with their weeks', () => {
    expect(plan.title).toBe('Database Migration Plan')
    expect(plan.summary).toMatch(/^This document outlines the plan/)
    expect(plan.currentState).toContain('- Drizzle migrations for MLS data')
    expect(plan.targetState).toContain('- Consolidated PostgreSQL database')
    expect(names(plan)).toEqual([
      'Preparation',
      'Data Migration',
      'Application Updates',
      'Testing & Validation',
      'Deployment',
    ])
    expect(plan.phases.map((p) => p.window)).toEqual(['Week 1', 'Week 2', 'Week 3', 'Week 4', 'Week 5'])
  })

  it('takes the nested bullets as checklist items, grouped under their numbered entry', () => {
    expect(plan.phases.map((p) => p.items.length)).toEqual([9, 9, 9, 9, 9])
    expect(plan.phases[0]?.items.slice(0, 4)).toEqual([
      { text: 'Full backup of all existing databases', done: false, group: 'Database Backup' },
      { text: 'Verify backup integrity', done: false, group: 'Database Backup' },
      { text: 'Document current schema', done: false, group: 'Database Backup' },
      { text: 'Review existing data types', done: false, group: 'Schema Validation' },
    ])
  })

  it('reads risks from a nested list, with the mitigations beneath them', () => {
    expect(plan.risks.map((r) => [r.title, r.impact, r.likelihood, r.mitigation])).toEqual([
      ['Data Loss', null, null, 'Regular backups; Validation checks; Rollback procedures'],
      ['Performance Issues', null, null, 'Performance testing; Query optimization; Resource monitoring'],
      ['Application Issues', null, null, 'Comprehensive testing; Staged deployment; Monitoring'],
    ])
    expect(plan.warnings.map((w) => w.message)).toContain(
      '3 risks are not fully rated (impact or likelihood missing or not understood); rate them after import.',
    )
  })

  it('reads criteria, rollback steps and the timeline, and keeps the other sections as notes', () => {
    expect(plan.successCriteria).toHaveLength(9)
    expect(plan.successCriteria[1]).toEqual({ text: 'No data loss', met: false, group: 'Data Integrity' })
    expect(plan.rollbackSteps.map((s) => s.text)).toEqual([
      'Database Rollback: Restore from backup',
      'Database Rollback: Verify data integrity',
      'Database Rollback: Update application',
      'Application Rollback: Revert code changes',
      'Application Rollback: Restore configurations',
      'Application Rollback: Verify functionality',
    ])
    expect(plan.timeline.map((t) => t.text)).toEqual([
      'Total Duration: 5 weeks',
      'Critical Path: Database Migration → Application Updates → Testing → Deployment',
      'Dependencies: Backend Updates, Frontend Updates, ML Pipeline Updates',
    ])
    expect(plan.rollbackTriggers).toEqual([])
    expect(plan.notes.map((n) => n.title)).toEqual([
      'Monitoring & Maintenance',
      'Resources',
      'Communication Plan',
      'Documentation',
    ])
    expect(plan.warnings).toContainEqual({
      line: 148,
      message: "Section “Resources” is not part of a plan's structure; kept as a note.",
    })
  })
})

describe('the SQLite → PostgreSQL dual-write plan', () => {
  const plan = parsePlanDocument(fixture('sqlite-to-postgres-dual-write.md'))

  it('repairs the garbled emoji and cleans them from names', () => {
    expect(plan.title).toBe('Database Migration Strategy')
    expect(plan.warnings[0]).toEqual({
      line: 1,
      message: 'Repaired garbled characters (UTF-8 read in the wrong encoding) on 21 lines.',
    })
    expect(plan.phases[0]?.steps[0]?.body).toContain("print('✅ PostgreSQL connection successful')")
    expect(plan.currentState).toMatch(/^SQLite\n/)
    expect(plan.targetState).toBe('PostgreSQL')
  })

  it('reads the five phases, their scripts as notes, and their numbered comments as checklist items', () => {
    expect(names(plan)).toEqual([
      'Preparation (Pre-Migration)',
      'Schema Creation',
      'Data Migration Script',
      'Dual-Write Implementation',
      'Switchover Process',
    ])
    expect(plan.phases.map((p) => p.items.length)).toEqual([4, 3, 0, 0, 6])
    expect(plan.phases[4]?.items.map((i) => i.text)).toEqual([
      'Enable dual-write mode',
      'Run full data sync',
      'Verify data integrity',
      'Switch primary database',
      'Monitor for issues (1 hour)',
      'Disable dual-write',
    ])
    expect(plan.phases.map((p) => p.steps.map((s) => [s.kind, s.language]))).toEqual([
      [['note', 'bash']],
      [['note', 'bash']],
      [['note', 'python']],
      [['note', 'python']],
      [['note', 'bash']],
    ])
  })

  it('reads the task lists: success criteria and the post-migration checklist', () => {
    expect(plan.successCriteria.map((c) => c.text)).toEqual([
      'All tables migrated with 100% data integrity',
      'No service downtime during migration',
      'Response times remain < 200ms',
      'All tests pass with PostgreSQL',
      'Successful operation for 24 hours post-migration',
    ])
    expect(plan.checklists.map((c) => [c.name, c.items.length])).toEqual([['Post-Migration Checklist', 7]])
    expect(plan.checklists[0]?.items.every((i) => !i.done)).toBe(true)
  })

  it('reads the rollback script step by step, the timeline, and keeps SQL outside phases as an unplaced step', () => {
    expect(plan.rollbackSteps.map((s) => s.text)).toEqual([
      'Immediate rollback (< 5 min)',
      'Data recovery (if needed)',
      'Investigate issues',
    ])
    expect(plan.rollbackSteps[1]?.body).toContain('cp homeverse_demo_backup_*.db homeverse_demo.db')
    expect(plan.timeline).toHaveLength(6)
    expect(plan.steps).toHaveLength(1)
    expect(plan.steps[0]).toMatchObject({ kind: 'sql', name: 'Optimize for read-heavy workload' })
    expect(plan.warnings).toContainEqual({
      line: 253,
      message: 'SQL block under “PostgreSQL Tuning” is not inside a phase; kept as an unplaced step.',
    })
  })
})

describe('the zero-downtime data migration plan', () => {
  const plan = parsePlanDocument(fixture('zero-downtime-data-migration.md'))

  it('finds the phases in the numbered list under "Migration Phases"', () => {
    expect(plan.title).toBe('Data Migration Plan')
    expect(names(plan)).toEqual(['Preparation', 'Deployment', 'Verification'])
    expect(plan.phases[2]?.items.map((i) => i.text)).toEqual([
      'Data consistency check',
      'Application functionality test',
      'Performance validation',
      'Security audit',
    ])
  })

  it('takes pre- and post-migration validation as plan checklists and recovery procedures as rollback steps', () => {
    expect(plan.checklists.map((c) => [c.name, c.items.length])).toEqual([
      ['Pre-Migration Validation', 4],
      ['Post-Migration Validation', 4],
    ])
    expect(plan.rollbackSteps).toHaveLength(8)
    expect(plan.rollbackSteps[0]?.text).toBe('Immediate Recovery: Transaction rollback')
    expect(plan.risks).toEqual([])
  })

  it('keeps the migration script as an SQL step and every other section as a note, each with a warning', () => {
    expect(plan.steps.map((s) => s.kind)).toEqual(['sql'])
    expect(plan.steps[0]?.body).toContain('create table vital_signs')
    expect(plan.notes.length).toBeGreaterThanOrEqual(14)
    expect(plan.warnings.length).toBe(plan.notes.length + 1)
    expect(plan.warnings.every((w) => typeof w.line === 'number')).toBe(true)
  })
})

// User text that a Markdown renderer would turn into HTML or into a link to a script, in every part of a plan.
const HOSTILE = `# Orders <script>alert(1)</script> move

Summary with <img src=x onerror=alert(1)> and [x](javascript:alert(1)), <b>bold</b>, an autolink <javascript:alert(2)>, ![pic](javascript:alert(3)), [ok](https://example.com/a:b) and [ref][evil].

[evil]: javascript:alert(4)

<div onclick="alert(5)">
<script>alert(6)</script>
</div>

## Current state
SQLite with <iframe src="javascript:alert(7)"></iframe> and [docs](JavaScript:alert(8) "t").

## Phase 1: Copy <img src=x onerror=alert(9)> (Week 1)
Goal: copy [x](javascript:alert(10)) rows <script>alert(11)</script>
- [ ] Item <script>alert(12)</script> with [x](javascript:alert(13))
- [x] <img src=x onerror=alert(14)>

## Risks
| Risk | Impact | Likelihood | Mitigation | Owner |
|---|---|---|---|---|
| <script>alert(15)</script> | High | Low | [x](javascript:alert(16)) | <b>me</b> |

## Success criteria
- [ ] Counts match <img src=x onerror=alert(17)>

## Rollback triggers
- Error rate <script>alert(18)</script> (error_rate_percent > 5 for 30 s)

## Rollback plan
1. Restore [x](javascript:alert(19))

## Timeline
- Week 1 <b>copy</b>

## Appendix <script>alert(20)</script>
Notes with <img src=x onerror=alert(21)> and [x](data:text/html,<script>alert(22)</script>).
`

/** What a renderer would show as HTML or follow to a script in `markdown`. */
function activeContent(markdown: string): string[] {
  const found: string[] = []
  const visit = (node: Nodes) => {
    if (node.type === 'html') found.push(node.value)
    if ((node.type === 'link' || node.type === 'image' || node.type === 'definition') && !isSafeUrl(node.url))
      found.push(node.url)
    if ('children' in node) node.children.forEach(visit)
  }
  visit(fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }))
  return found
}

describe('round trip', () => {
  it.each(['generic-five-week-plan.md', 'sqlite-to-postgres-dual-write.md', 'zero-downtime-data-migration.md'])(
    'parse(format(%s)) keeps the structure',
    (name) => {
      const plan = parsePlanDocument(fixture(name))
      const again = parsePlanDocument(formatPlanDocument(plan))
      const structure = (p: DocPlan) => ({ ...p, warnings: undefined, notes: undefined })
      expect(structure(again)).toEqual(structure(plan))
      expect(again.notes.map((n) => n.title)).toEqual(plan.notes.map((n) => n.title))
    },
  )

  it('exports user text with HTML and script links as text that renders no HTML and no link, and reads it back to the same structure', () => {
    expect(activeContent(HOSTILE).length).toBeGreaterThan(15) // the document itself is full of both
    const plan = parsePlanDocument(HOSTILE)
    const markdown = formatPlanDocument(plan)
    expect(activeContent(markdown)).toEqual([])
    const again = parsePlanDocument(markdown)
    expect({ ...again, warnings: undefined }).toEqual({ ...plan, warnings: undefined })
    expect(formatPlanDocument(again)).toBe(markdown)
    // The words stay readable, as text.
    expect(plan.title).toBe('Orders <script>alert(1)</script> move')
    expect(plan.phases[0]?.items.map((i) => i.text)).toEqual([
      'Item <script>alert(12)</script> with x',
      '<img src=x onerror=alert(14)>',
    ])
    expect(plan.summary).toContain('\\<img src=x onerror=alert(1)>')
    expect(plan.summary).toContain('\\[x]\\(javascript:alert(1))')
    expect(plan.summary).toContain('[ok](https://example.com/a:b)')
    expect(markdown).toContain('# Orders \\<script>alert(1)\\</script> move')
  })

  it('makes text typed into the plan inert too, not only what came from a document', () => {
    const plan = parsePlanDocument('# Plan\n\n## Phase 1: Copy\n- [ ] Copy\n')
    const typed = {
      ...plan,
      summary: '<img src=x onerror=alert(1)> [x](javascript:alert(1))',
      notes: [{ title: 'Typed', body: '<script>alert(2)</script>\n\n[y](vbscript:msgbox(3))' }],
    }
    const markdown = formatPlanDocument(typed)
    expect(activeContent(markdown)).toEqual([])
    expect(markdown).toContain('\\<img src=x onerror=alert(1)> \\[x]\\(javascript:alert(1))')
  })
})

describe('other layouts of the same family', () => {
  it('reads a risk table in any column order, maps the level words and keeps extra columns', () => {
    const plan = parsePlanDocument(`# Plan

## Risk Register

| Likelihood | Risk | Owner | Mitigation | Impact | Detection |
|---|---|---|---|---|---|
| Almost certain | Replication lag | DBA team | Throttle the copy | Severe | Lag metric |
| Low | Lock contention | | lock_timeout | moderate | pg_locks |
| often | Odd levels | | | whatever | |
`)
    expect(plan.risks.map((r) => [r.title, r.impact, r.likelihood, r.mitigation, r.owner, r.extra])).toEqual([
      ['Replication lag', 'CRITICAL', 'ALMOST_CERTAIN', 'Throttle the copy', 'DBA team', { Detection: 'Lag metric' }],
      ['Lock contention', 'MEDIUM', 'UNLIKELY', 'lock_timeout', null, { Detection: 'pg_locks' }],
      ['Odd levels', null, null, '', null, {}],
    ])
    expect(plan.warnings.map((w) => w.message)).toEqual(
      expect.arrayContaining([
        'Risk “Odd levels”: likelihood “often” is not a level Lockstep knows; left unset.',
        'Risk “Odd levels”: impact “whatever” is not a level Lockstep knows; left unset.',
      ]),
    )
  })

  it('reads risks as a list with their facts beneath, task-list state, triggers and a week/day tree', () => {
    const plan = parsePlanDocument(`# Orders cutover

## Phases
### Stage 1 – Copy (Day 1-2)
- [x] Snapshot taken
- [ ] Bulk copy
### Stage 2: Cutover
Goal: switch writes.
- [ ] Flip the flag

## Risks
- **Data loss**
  - Impact: Critical
  - Likelihood: unlikely
  - Mitigation: verified backups

## Rollback Triggers
- Error rate > 5 % for 10 minutes
- Data loss > 10 rows

## Schedule
\`\`\`
Week 1
├── Day 1-2: copy
└── Day 3: cutover
\`\`\`
`)
    expect(plan.phases.map((p) => [p.name, p.window, p.goal])).toEqual([
      ['Copy', 'Day 1-2', ''],
      ['Cutover', null, 'switch writes.'],
    ])
    expect(plan.phases[0]?.items.map((i) => [i.text, i.done])).toEqual([
      ['Snapshot taken', true],
      ['Bulk copy', false],
    ])
    expect(plan.risks).toEqual([
      {
        title: 'Data loss',
        impact: 'CRITICAL',
        likelihood: 'UNLIKELY',
        mitigation: 'verified backups',
        owner: null,
        extra: {},
      },
    ])
    expect(plan.rollbackTriggers.map((t) => t.text)).toEqual(['Error rate > 5 % for 10 minutes', 'Data loss > 10 rows'])
    expect(plan.timeline.map((t) => t.text)).toEqual(['Week 1', 'Day 1-2: copy', 'Day 3: cutover'])
  })

  it('puts SQL blocks in the phase they sit in as draft SQL steps', () => {
    const plan = parsePlanDocument(
      '# P\n\n## Phase 1: Schema\n\n```sql\n-- Add the column\nALTER TABLE t ADD c int;\n```\n\n```sh\necho hi\n```\n',
    )
    expect(plan.phases[0]?.steps).toEqual([
      { kind: 'sql', name: 'Add the column', language: 'sql', body: '-- Add the column\nALTER TABLE t ADD c int;' },
      { kind: 'note', name: 'Schema (sh)', language: 'sh', body: 'echo hi' },
    ])
  })

  it('splits phase titles into name and window', () => {
    expect(phaseTitle('Phase 2: Data Migration (Week 2)')).toEqual({ name: 'Data Migration', window: 'Week 2' })
    expect(phaseTitle('🚀 Week 3: Cutover')).toEqual({ name: 'Cutover', window: 'Week 3' })
    expect(phaseTitle('3. Validation – 2 days')).toEqual({ name: 'Validation', window: '2 days' })
    expect(phaseTitle('Preparation (Pre-Migration)')).toEqual({ name: 'Preparation (Pre-Migration)', window: null })
  })
})

describe('input that is not a plan', () => {
  const refusal = (input: string | Uint8Array) => {
    try {
      parsePlanDocument(input)
    } catch (error) {
      expect(error).toBeInstanceOf(DocumentError)
      return (error as Error).message
    }
    throw new Error('accepted')
  }

  it('refuses empty, binary, oversized and structureless input with a clear message', () => {
    expect(refusal('')).toBe('The document is empty.')
    expect(refusal(' \n\n ')).toBe('The document is empty.')
    expect(refusal(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toBe(
      'This file is binary, not a Markdown document.',
    )
    expect(refusal(new Uint8Array(20 * 1024 * 1024).fill(0x61))).toMatch(/larger than 2 MB/)
    expect(refusal('Just a sentence of prose, with no structure at all.')).toMatch(/no headings, lists or tables/)
  })

  it('reads a bare title as a plan with a warning, and a document without a title as an untitled plan', () => {
    expect(parsePlanDocument('# Only a title\n')).toMatchObject({
      title: 'Only a title',
      phases: [],
      warnings: [{ line: null, message: expect.stringMatching(/^No phases found/) }],
    })
    expect(parsePlanDocument('## Phase 1: Copy\n- a\n')).toMatchObject({
      title: 'Untitled migration plan',
      phases: [{ name: 'Copy' }],
    })
  })

  it('reads Windows-1252 bytes, saying so', () => {
    const bytes = Uint8Array.from([...Buffer.from('# Caf'), 0xe9, ...Buffer.from('\n\n## Phase 1: Go\n- x\n')])
    const plan = parsePlanDocument(bytes)
    expect(plan.title).toBe('Café')
    expect(plan.warnings[0]?.message).toBe('The file is not UTF-8; it was read as Windows-1252.')
  })
})

describe('nothing is silently dropped', () => {
  /** Every string of a value, joined, with Markdown escapes and spacing evened out. */
  const strings = (value: unknown): string[] =>
    typeof value === 'string'
      ? [value]
      : Array.isArray(value)
        ? value.flatMap(strings)
        : value && typeof value === 'object'
          ? Object.values(value).flatMap(strings)
          : []
  const even = (text: string) => text.replace(/\\/g, '').replace(/\s+/g, ' ').trim()

  it.each(['generic-five-week-plan.md', 'sqlite-to-postgres-dual-write.md', 'zero-downtime-data-migration.md'])(
    'every text and script of %s ends up in the plan',
    async (name) => {
      const { fromMarkdown } = await import('mdast-util-from-markdown')
      const { gfm } = await import('micromark-extension-gfm')
      const { gfmFromMarkdown } = await import('mdast-util-gfm')
      const { repairText } = await import('./text')
      const tree = fromMarkdown(repairText(fixture(name).toString('utf8')).text, {
        extensions: [gfm()],
        mdastExtensions: [gfmFromMarkdown()],
      })
      const found: string[] = []
      const walk = (node: { type: string; value?: string; children?: unknown[] }, inHeading: boolean) => {
        if ((node.type === 'text' || node.type === 'inlineCode' || node.type === 'code') && node.value && !inHeading)
          found.push(node.value)
        for (const child of node.children ?? []) walk(child as typeof node, inHeading || node.type === 'heading')
      }
      walk(tree as never, false)
      // Word by word: the parser may reshape text ("Preparation Phase" → phase "Preparation", "**Current**: SQLite"
      // → current state "SQLite") but every word of substance must land somewhere.
      const words = (text: string) =>
        even(text)
          .toLowerCase()
          .match(/[\p{L}\p{N}_]{3,}/gu) ?? []
      const output = new Set(words(strings(parsePlanDocument(fixture(name))).join(' ')))
      const consumed = new Set(['phase', 'current', 'target'])
      const missing = found.flatMap(words).filter((word) => !output.has(word) && !consumed.has(word))
      expect(missing).toEqual([])
    },
  )
})

describe('more layouts of the family', () => {
  it('reads bold lines as sub-headings: rollback triggers and steps inside a rollback plan', () => {
    const plan = parsePlanDocument(`# Cutover

## Phase 1: Copy
- Copy rows

## Rollback Plan

**Rollback triggers:**
- Error rate above 5 % for 5 minutes
- Replication lag over 60 s

**Steps:**
1. Point the app back at the old database
2. Replay the queued writes
`)
    expect(plan.rollbackTriggers.map((t) => t.text)).toEqual([
      'Error rate above 5 % for 5 minutes',
      'Replication lag over 60 s',
    ])
    expect(plan.rollbackSteps.map((s) => s.text)).toEqual([
      'Point the app back at the old database',
      'Replay the queued writes',
    ])
  })

  it('reads phases from a table, and tasks of a phase from a table with their status', () => {
    const plan = parsePlanDocument(`# Warehouse move

## Migration Phases

| Phase | Duration | Activities | Owner |
|---|---|---|---|
| Discovery | Week 1 | inventory tables; size data | Ana |
| Cutover | Day 10 | freeze writes, switch DNS | Ben |

## Phase 3: Clean-up
| Task | Owner | Status |
|---|---|---|
| Drop old replicas | DBA | Done |
| Archive dumps | Ops | Pending |
`)
    expect(plan.phases.map((p) => [p.name, p.window, p.goal, p.items.map((i) => [i.text, i.done])])).toEqual([
      [
        'Discovery',
        'Week 1',
        'owner: Ana',
        [
          ['inventory tables', false],
          ['size data', false],
        ],
      ],
      [
        'Cutover',
        'Day 10',
        'owner: Ben',
        [
          ['freeze writes', false],
          ['switch DNS', false],
        ],
      ],
      [
        'Clean-up',
        null,
        '',
        [
          ['Drop old replicas – DBA', true],
          ['Archive dumps – Ops', false],
        ],
      ],
    ])
  })

  it('takes weeks of a timeline with their tasks as phases, and sub-sections of a checklist section as checklists', () => {
    const plan = parsePlanDocument(`# Billing migration

## Timeline
Total: three weeks.

### Week 1: Prepare
- [x] Snapshot
### Week 2: Move
- [ ] Copy

## Checklists
### Pre-migration
- [ ] Freeze schema
### Post-migration
- [ ] Re-enable jobs
`)
    expect(plan.phases.map((p) => [p.name, p.window, p.items.map((i) => i.done)])).toEqual([
      ['Prepare', 'Week 1', [true]],
      ['Move', 'Week 2', [false]],
    ])
    expect(plan.timeline.map((t) => t.text)).toEqual(['Total: three weeks.'])
    expect(plan.checklists.map((c) => [c.name, c.items.map((i) => i.text)])).toEqual([
      ['Pre-migration', ['Freeze schema']],
      ['Post-migration', ['Re-enable jobs']],
    ])
  })

  it('maps a risk table with an id column and a "risk level" column', () => {
    const plan = parsePlanDocument(`# P

## Risks
| ID | Risk | Risk Level | Probability | Response |
|---|---|---|---|---|
| R1 | Long locks | High | Medium | lock_timeout |
`)
    expect(plan.risks).toEqual([
      {
        title: 'Long locks',
        impact: 'HIGH',
        likelihood: 'POSSIBLE',
        mitigation: 'lock_timeout',
        owner: null,
        extra: { ID: 'R1' },
      },
    ])
  })
})
