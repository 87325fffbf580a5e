import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { gfm } from 'micromark-extension-gfm'
import { describe, expect, it } from 'vitest'
import { formatPlanDocument } from './format'
import { describeTask } from './gantt'
import { parsePlanDocument } from './parse'
import { ZDocPlan, type DocPlan } from './types'

// Shapes of plan documents found in public repositories, rewritten as small documents of our own:
// checklists whose headings carry emoji over `- [ ] **Item** text` tasks, documents that are nothing but
// checklists, phases with their own "Rollback Triggers" and "Success Criteria", and Mermaid Gantt charts.
const DIR = join(import.meta.dirname, 'fixtures', 'real-shapes')
const documents = readdirSync(DIR).filter((name) => name.endsWith('.md'))
const read = (name: string) => parsePlanDocument(readFileSync(join(DIR, name)))
const items = (list: { items: { text: string; done: boolean; group: string | null }[] }) =>
  list.items.map((i) => `${i.done ? '[x] ' : ''}${i.group ? `${i.group} / ` : ''}${i.text}`)
const messages = (plan: DocPlan) => plan.warnings.map((w) => `${w.line ?? '-'}: ${w.message}`)

describe('a checklist with emoji headings over task lists', () => {
  const plan = read('01-checklist-emoji-headings.md')

  it('makes every heading over a task list a checklist with its items, none of them a phase', () => {
    expect(plan.phases).toEqual([])
    expect(plan.checklists.map((c) => [c.name, c.items.length])).toEqual([
      ['Design', 4],
      ['Environments', 3],
      ['Execution Steps', 3],
      ['Big Tables', 3],
      ['Rollback Readiness', 2],
    ])
    expect(items(plan.checklists[0] ?? { items: [] })).toEqual([
      'Purpose written down in the ticket',
      'Breaking changes listed, with the services they touch',
      '[x] Row estimate taken for every table the change rewrites',
      'Rollback path described and tried on a copy',
    ])
    // The line that introduces a list names its group; the script beside it is kept as a step.
    expect(items(plan.checklists[3] ?? { items: [] })[0]).toBe(
      'For tables over 10 million rows / Batches of at most 5,000 rows',
    )
    expect(plan.steps.map((s) => [s.kind, s.name])).toEqual([['sql', 'Backfill in batches']])
  })

  it('reads the rollback execution as rollback steps, the red flags as triggers and the ticked criteria without their emoji', () => {
    expect(plan.rollbackSteps.map((s) => s.text)).toEqual([
      'Traffic drained from the ledger service',
      'Down script run and its output saved',
      'Service restarted and smoke-tested',
    ])
    expect(plan.rollbackTriggers.map((t) => t.text)).toEqual([
      'Locks held longer than 30 seconds',
      'Replication lag above 5 minutes',
      'Error rate of the ledger API above 2 %',
    ])
    expect(plan.successCriteria).toEqual([
      { text: 'Row counts match before and after', met: false, group: null },
      { text: 'p95 latency of ledger writes is unchanged', met: false, group: null },
      { text: 'No new errors in the service log', met: false, group: null },
    ])
  })

  it('says what it kept aside and that the plan is one of checklists', () => {
    expect(plan.notes.map((n) => n.title)).toEqual(['Contacts'])
    expect(messages(plan)).toEqual([
      '35: SQL block in the checklist “Big Tables” is not inside a phase; kept as an unplaced step.',
      "74: Section “Contacts” is not part of a plan's structure; kept as a note.",
      '-: No phases found; the document is read as a plan of 5 checklists (15 items).',
    ])
  })
})

describe('a rollout document that is only checklists', () => {
  const plan = read('02-rollout-sections-only-checklists.md')

  it('imports as a plan of checklists, nested tasks grouped under their task', () => {
    expect(plan.phases).toEqual([])
    expect(plan.checklists.map((c) => c.name)).toEqual([
      'Migration Review',
      'Compatibility',
      'Backups',
      'People',
      'Technical',
    ])
    expect(items(plan.checklists[2] ?? { items: [] })).toEqual([
      '[x] Nightly backup finished',
      'Point-in-time recovery window covers the rollout',
    ])
    expect(items(plan.checklists[3] ?? { items: [] })).toEqual([
      'Release captain named',
      'Support told the time of the rollout',
      'Support told the time of the rollout / Status page message drafted',
      'Support told the time of the rollout / Customer success lead told',
    ])
  })

  it('does not take a section about a high-risk change for a risk register', () => {
    expect(plan.risks).toEqual([])
    expect(plan.notes.map((n) => n.title)).toEqual(['If It Goes Wrong', 'High-Risk Change'])
    expect(messages(plan)).toContain(
      "44: Section “High-Risk Change” is not part of a plan's structure; kept as a note.",
    )
  })
})

describe('phases with their own criteria, triggers, rollback and duration', () => {
  const plan = read('03-phases-with-criteria-and-triggers.md')

  it('feeds the plan’s triggers, criteria and rollback steps, not the phases’ items', () => {
    expect(plan.phases.map((p) => [p.name, p.window, p.items.length])).toEqual([
      ['Foundation', '3 days', 5],
      ['Data Copy', '2 days', 2],
      ['Cutover', null, 3],
    ])
    expect(plan.phases.flatMap((p) => p.items.map((i) => i.text))).not.toContain('Schema translation loses a column')
    expect(plan.rollbackTriggers.map((t) => t.text)).toEqual([
      'Schema translation loses a column',
      'Provisioning takes more than two days',
      'Error rate above 5% for 5 minutes',
      'p99 latency doubles',
      'Disk use above 90% on the source',
    ])
    expect(plan.successCriteria).toEqual([
      { text: 'Every table exists on the target', met: false, group: 'Foundation' },
      { text: 'Foreign keys reviewed by the DBA', met: true, group: 'Foundation' },
      { text: 'Row counts match on every table', met: false, group: 'Data Copy' },
    ])
    expect(plan.rollbackSteps.map((s) => s.text)).toEqual([
      'Data Copy: Stop change capture',
      'Data Copy: Drop the target database',
    ])
    // "Critical Risks" under "Risk Assessment" is a register of its own, its "Rollback Triggers" the plan's triggers.
    expect(plan.risks.map((r) => [r.title, r.impact, r.likelihood])).toEqual([
      ['Collation differences change sort order', 'MEDIUM', 'LIKELY'],
      ['Replication slot fills the disk', 'HIGH', 'POSSIBLE'],
    ])
  })
})

describe('Mermaid Gantt charts', () => {
  const plan = read('04-gantt-timeline.md')
  const task = (name: string, p: DocPlan = plan) => p.timeline.find((t) => t.text === name)

  it('become the timeline: tasks with sections, dates, durations, dependencies and tags', () => {
    expect(plan.timeline.map((t) => t.text)).toEqual([
      'Orders upgrade schedule',
      'Inventory of extensions',
      'Risk review',
      'Go decision',
      'Build replica',
      'Application tests',
      'Load tests',
      'Sign-off',
      'Final backup',
      'Upgrade',
      'Watch',
      'Cleanup',
      'Total: about four weeks, with the upgrade on a Saturday night.',
      'Stop writers',
      'Final sync',
      'Flip DNS',
      'Verify',
    ])
    // The chart leaves out weekends: each Saturday and Sunday a task spans pushes its end a day, as Mermaid draws it.
    expect(task('Inventory of extensions')).toEqual({
      text: 'Inventory of extensions',
      section: 'Planning',
      ref: 'plan1',
      start: '2025-03-03',
      end: '2025-03-06',
      duration: '3d',
      after: [],
      tags: ['done'],
      excludes: 'weekends',
    })
    expect(task('Risk review')).toMatchObject({ start: '2025-03-06', end: '2025-03-10', duration: '2d' })
    expect(task('Sign-off')).toEqual({
      text: 'Sign-off',
      section: 'Staging',
      ref: 'm2',
      start: '2025-03-25',
      end: '2025-03-25',
      duration: '0d',
      after: ['stg2', 'stg3'],
      tags: ['milestone'],
      excludes: 'weekends',
    })
    expect(task('Final backup')).toMatchObject({ start: '2025-03-29', end: '2025-04-01', duration: '1d' })
    expect(task('Upgrade')).toMatchObject({
      start: '2025-04-01',
      duration: '6h',
      after: ['prod1'],
      tags: ['crit', 'active'],
    })
    expect(task('Flip DNS')).toMatchObject({
      section: 'Switch',
      start: '22:25',
      end: '22:30',
      after: ['sync'],
      tags: ['crit'],
    })
    expect(plan.phases.map((p) => p.name)).toEqual(['Preparation', 'Upgrade'])
    // Another kind of diagram is kept as it is.
    expect(plan.notes.map((n) => n.title)).toEqual(['Architecture'])
  })

  it('names each line it could not take, and why', () => {
    expect(messages(plan)).toEqual([
      '35: Gantt task “Watch”: it lasts “until m9”, but no task before it has that id; its end is left open.',
      '36: Gantt task “Cleanup”: it starts when “Watch” ends, which is open; its dates are left open.',
      "53: Section “Architecture” is not part of a plan's structure; kept as a note.",
    ])
  })

  it('describes a task in words, naming the tasks it follows', () => {
    const described = (name: string) => {
      const entry = task(name)
      return entry ? describeTask(entry, plan.timeline) : `no task “${name}”`
    }
    expect(described('Sign-off')).toBe('Staging: 2025-03-25, after Application tests, Load tests · milestone')
    expect(described('Risk review')).toBe('Planning: 2025-03-06 → 2025-03-10 (2d), after Inventory of extensions')
    expect(described('Upgrade')).toBe('Production: 2025-04-01 (6h), after Final backup · critical · in progress')
    expect(described('Orders upgrade schedule')).toBeNull()
  })

  it('reads other date formats, several dependencies, `until`, and charts inside phases', () => {
    const variants = read('06-gantt-variants.md')
    expect(variants.phases.map((p) => [p.name, p.window, p.items.length, p.steps.length])).toEqual([
      ['Frontend Updates', '2 weeks', 0, 0],
      ['Database Migration', '1 week', 2, 0],
    ])
    expect(task('Update sign-in', variants)).toMatchObject({ start: '2025-01-06', end: '2025-01-09' })
    expect(task('Shared release', variants)).toMatchObject({
      start: '2025-01-11',
      end: '2025-01-12',
      after: ['a2', 'b1'],
    })
    expect(task('Hotfix window', variants)).toMatchObject({
      start: '2025-01-08',
      end: '2025-01-09',
      duration: 'until a2',
    })
    // "excludes 2025-01-20, weekends": the excluded Monday pushes the first task a day, and the dependent one with it.
    expect(task('Create schemas', variants)).toMatchObject({
      start: '2025-01-20',
      end: '2025-01-23',
      excludes: '2025-01-20, weekends',
    })
    expect(task('Copy data', variants)).toMatchObject({ start: '2025-01-23', end: '2025-01-24', duration: '1.5d' })
    expect(task('Primary', variants)).toMatchObject({ start: '04:00', end: '04:10', after: ['old1'] })
    expect(task('Read-only mode', variants)).toMatchObject({ start: '180m', end: null, duration: '60m' })
    // A Mermaid `timeline` is lines of the timeline: a section, its period and the period's events.
    expect(variants.timeline.slice(-5).map((t) => t.text)).toEqual([
      'Consolidation roadmap',
      'Phase 1 – Week 1: Inventory; Freeze schema changes',
      'Phase 1 – Week 2: Copy history',
      'Phase 2 – Week 3: Cutover',
      'Phase 2 – Week 3: Decommission old cluster',
    ])
    // Front matter and directives before `gantt`: the chart's title is the front matter's.
    expect(variants.timeline.slice(-8, -5).map((t) => [t.text, t.start, t.end])).toEqual([
      ['Night of the move', null, null],
      ['Freeze', '22:00', '22:10'],
      ['Copy', '22:10', '22:50'],
    ])
    expect(messages(variants)).toEqual([
      '32: Gantt task “Checks”: it follows “f9”, which no task before it is called; its dates are left open.',
      "33: Gantt task “Sign-off”: the start “2025-13-40” is not a date in the chart's format (YYYY-MM-DD); its dates are left open.",
      "44: Gantt task “Read-only mode”: the start “180m” is not a date in the chart's format (HH:mm); its dates are left open.",
      '49: Gantt chart: the line “???” is neither a task (“Name : …”) nor a setting Lockstep knows; skipped.',
    ])
  })
})

describe('nested task lists and nothing else', () => {
  it('reads sections of tasks as checklists and names the empty entry it skipped', () => {
    const plan = read('05-nested-task-lists-only.md')
    expect(plan.checklists.map((c) => [c.name, items(c)])).toEqual([
      [
        'Schema',
        [
          '[x] Migrations applied on staging',
          'Constraints named',
          'Constraints named / Foreign keys',
          '[x] Constraints named / Check constraints',
        ],
      ],
      ['Data', ['Seed rows present', 'Orphans checked: none found']],
    ])
    expect(messages(plan)).toEqual([
      '8: An empty list entry was skipped.',
      '-: No phases found; the document is read as a plan of 2 checklists (6 items).',
    ])
  })
})

describe('a staged rollout by weeks', () => {
  const plan = read('08-staged-rollout-weeks.md')

  it('reads each week as a phase, its facts as its goal, and its criteria and triggers as the plan’s', () => {
    expect(plan.phases.map((p) => [p.name, p.window, p.goal, p.items.length])).toEqual([
      [
        'Internal Traffic',
        'Week 1',
        'Dates: Day 1-7 Traffic: staff accounts only Target Volume: about 2,000 queries a day',
        4,
      ],
      ['10% of Customers', 'Week 2', 'Dates: Day 8-14 Traffic: one customer in ten', 1],
    ])
    expect(plan.successCriteria.map((c) => [c.group, c.text])).toEqual([
      ['Internal Traffic', 'Zero failed queries'],
      ['Internal Traffic', 'p95 latency under 150 ms'],
    ])
  })

  it('takes triggers from lists, lines marked with an emoji, nested details and tables, keeping the entry each detail sits under', () => {
    expect(plan.rollbackTriggers.map((t) => t.text)).toEqual([
      'Any data returned from the wrong tenant',
      'p95 latency above 400 ms for 10 minutes',
      'Error rate > 1% for 5 minutes',
      'Heap above 90% on any node',
      'Stale results above 1%: More than one query in a hundred returns documents older than the source',
      'Stale results above 1%: Action: switch reads back to the old index',
      'Indexing lag above 10 minutes: Action: pause the rollout and rebuild',
      'Disk above 85% on a node – Stop the rollout – On-call',
    ])
    expect(plan.rollbackSteps.map((s) => s.text)).toEqual([
      'Point the search service at the old index',
      'Stop the indexing workers',
    ])
    expect(plan.warnings).toEqual([])
  })
})

describe('an assessment whose checklists sit under "Source" and "Target" headings', () => {
  it('reads the task lists as checklists and keeps the prose as the current and target state', () => {
    const plan = read('09-assessment-under-state-headings.md')
    expect(plan.checklists.map((c) => [c.name, items(c)])).toEqual([
      ['Schema Inventory', ['Tables and their owners listed', 'Triggers and views listed']],
      ['Data Profile', ['[x] Size per table measured', 'Growth per month estimated']],
      ['Feature Parity', ['Type mappings checked against PostgreSQL 16']],
    ])
    expect(plan.currentState).toBe("The source is the CRM's MySQL 5.7 primary.")
    expect(plan.targetState).toBe('### Effort Estimate\n\n- Schema work: \\_\\_\\_ hours\n- Data work: \\_\\_\\_ hours')
  })
})

describe('a T-minus cutover runbook', () => {
  const plan = read('10-t-minus-cutover-runbook.md')

  it('reads the phases of the cutover with their clock windows, goals, timed tasks and scripts', () => {
    expect(
      plan.phases.map((p) => [
        p.name,
        p.window,
        p.goal,
        p.items.map((i) => i.text),
        p.steps.map((s) => [s.kind, s.name]),
      ]),
    ).toEqual([
      [
        'Freeze Writes',
        'T+0 to T+15min',
        'no new writes reach the old database',
        ['T+0: Maintenance banner on', 'T+5: Confirm writes stopped', 'T+15: Record row counts'],
        [['sql', 'T+5: Confirm writes stopped']],
      ],
      [
        'Copy and Verify',
        'T+15min to T+60min',
        'the new database holds every row',
        ['T+15: Run the copy', 'T+50: Compare counts'],
        [['note', 'T+15: Run the copy']],
      ],
    ])
  })

  it('reads the prerequisites, checks and decision as checklists, the escalation criteria as triggers and the rollback procedure as steps', () => {
    expect(plan.checklists.map((c) => [c.name, c.items.length])).toEqual([
      ['Prerequisites', 2],
      ['Health Check', 4],
      ['Decision', 2],
    ])
    expect(plan.rollbackTriggers.map((t) => t.text)).toEqual([
      'Error rate > 5% of requests',
      'Payments fail for more than 10 minutes',
    ])
    expect(plan.rollbackSteps.map((s) => s.text)).toEqual([
      'Immediately: point DNS back at the old system',
      'Within 15min: confirm customers can pay',
    ])
    expect(messages(plan)).toEqual([
      "17: Section “T-24h: Final Verification” is not part of a plan's structure; kept as a note.",
    ])
  })
})

describe('an overview with the current and target state and the timeline beneath it', () => {
  it('reads each part where it belongs, and keeps a risk written in a Markdown fence as a note', () => {
    const plan = read('11-overview-with-parts-beneath.md')
    expect([plan.summary, plan.currentState, plan.targetState]).toEqual([
      '**Owner:** data platform team\n\nMove the ledger from Oracle to PostgreSQL in one quarter.',
      'Oracle 19c on two racks.',
      'PostgreSQL 17 with a hot standby.',
    ])
    expect(plan.timeline.map((t) => t.text)).toEqual(['Quarter 3, cutover in week 11'])
    expect(plan.rollbackTriggers.map((t) => t.text)).toEqual(['Account sums differ after cutover'])
    expect(plan.risks).toEqual([])
    expect(plan.notes.map((n) => n.title)).toEqual(['Common Risks'])
    expect(messages(plan)[0]).toBe('31: Text in the risk section “Common Risks”; kept as a note.')
  })
})

describe('plans written inside ```markdown fences', () => {
  it('reads a fenced template as Markdown: phases titled on a line of their own, checklists grouped by their intro lines', () => {
    const plan = read('07-fenced-markdown-templates.md')
    expect(plan.phases.map((p) => [p.name, p.window, p.items.map((i) => i.text)])).toEqual([
      [
        'Groundwork',
        'Months 1-2',
        ['Stand up the new cluster', 'Wire monitoring and alerts', 'Deliverable: empty cluster ready'],
      ],
      ['Bulk Load', 'Month 3', ['Copy the history tables', 'Reconcile counts per partition']],
    ])
    expect(plan.checklists.map((c) => [c.name, items(c)])).toEqual([
      [
        'Readiness',
        [
          'Infrastructure / Cluster sized for peak load',
          'Infrastructure / Network path to the old site open',
          '[x] People / On-call rota published',
          'People / Runbook reviewed by support',
        ],
      ],
    ])
    // A fence that holds headings would reshape the plan: it stays a script, kept as a note.
    expect(plan.notes.map((n) => [n.title, n.body.startsWith('```markdown')])).toEqual([['Example Layout', true]])
    expect(messages(plan)).toEqual(["30: Section “Example Layout” is not part of a plan's structure; kept as a note."])
  })
})

describe('every real shape', () => {
  it.each(documents)('formats %s to Markdown that reads back to the same structure', (name) => {
    const plan = read(name)
    const again = parsePlanDocument(formatPlanDocument(plan))
    expect({ ...again, warnings: [], notes: [] }).toEqual({ ...plan, warnings: [], notes: [] })
  })

  it.each(documents)('reads %s to a plan an import accepts as it is', (name) => {
    const plan = read(name)
    expect(ZDocPlan.parse(plan)).toEqual(plan)
  })

  const strings = (value: unknown): string[] =>
    typeof value === 'string'
      ? [value]
      : Array.isArray(value)
        ? value.flatMap(strings)
        : value && typeof value === 'object'
          ? Object.values(value).flatMap(strings)
          : []
  const words = (text: string) =>
    text
      .replace(/\\/g, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}_]{3,}/gu) ?? []

  it.each(documents)('keeps every word of %s somewhere in the plan (charts are checked task by task above)', (name) => {
    const tree = fromMarkdown(readFileSync(join(DIR, name), 'utf8'), {
      extensions: [gfm()],
      mdastExtensions: [gfmFromMarkdown()],
    })
    const found: string[] = []
    type Node = { type: string; value?: string; lang?: string; children?: Node[] }
    // A line of bold text alone ("**Phased Approach:**") works as a heading, and headings name sections.
    const boldLine = (node: Node) =>
      node.type === 'paragraph' &&
      node.children?.[0]?.type === 'strong' &&
      node.children.slice(1).every((c) => c.type === 'text' && /^\s*:?\s*$/.test(c.value ?? ''))
    const walk = (node: Node, inHeading: boolean) => {
      const isChart =
        node.type === 'code' && node.lang === 'mermaid' && /^\s*(gantt|timeline)\b/m.test(node.value ?? '')
      if (
        (node.type === 'text' || node.type === 'inlineCode' || node.type === 'code') &&
        node.value &&
        !inHeading &&
        !isChart
      )
        found.push(node.value.replace(/^Phase \d+:/gm, ''))
      for (const child of node.children ?? []) walk(child, inHeading || node.type === 'heading' || boldLine(node))
    }
    walk(tree as Node, false)
    const output = new Set(words(strings(read(name)).join(' ')))
    // Words that only introduce a list of criteria ("The change is done when:"), and labels the structure
    // takes the place of ("**Source**:", "**Duration**:", "**Goal:**", the headers of a risk or trigger table).
    const introductions = new Set([
      'the',
      'change',
      'done',
      'when',
      'source',
      'duration',
      'risk',
      'impact',
      'likelihood',
      'mitigation',
      'trigger',
      'owner',
      'goal',
    ])
    expect(found.flatMap(words).filter((word) => !output.has(word) && !introductions.has(word))).toEqual([])
  })
})
