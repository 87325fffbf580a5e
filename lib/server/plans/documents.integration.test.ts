import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { formatPlanDocument } from '@/lib/plan-document/format'
import { parsePlanDocument } from '@/lib/plan-document/parse'
import type { DocPlan } from '@/lib/plan-document/types'
import { makeUser } from '@/lib/testing/factories'
import { copyConfigOf } from '@/lib/domain/step-kinds'
import { exportPlanDocument, importPlanDocument } from './documents'
import { ZAddBackupStep, ZAddCopyStep, ZAddManualStep, ZAddObserveStep, ZAddValidateStep } from './schemas'
import { addBackupStep, addCopyStep, addManualStep, addObserveStep, addValidateStep } from './step-commands'
import { planProgressOf } from './progress'
import { getPlanForViewer, listPhaseItems } from './queries'

const fixture = (name: string) =>
  parsePlanDocument(readFileSync(join(import.meta.dirname, '../../plan-document/fixtures', name)))
const structure = (plan: DocPlan) => ({ ...plan, warnings: [] })

// Every kind of rule, with expressions that hold |, backticks, quotes, backslashes, line breaks and non-ASCII.
const MAPPING = {
  tables: [
    {
      table: 'User',
      rename: 'users',
      filter: `"deletedAt" IS NULL AND note <> 'it''s | 東京'`,
      filterRule: 'orphans',
      columns: [
        {
          column: 'createdAt',
          rename: 'created_at',
          type: 'timestamptz',
          transform: `datetime("createdAt", 'unixepoch')`,
          rule: 'epoch',
        },
        { column: 'id', type: 'uuid', rule: 'uuid' },
        { column: 'isAdmin', rename: 'is_admin', type: 'boolean', rule: 'boolean' },
        { column: 'prefs', type: 'jsonb', rule: 'json' },
        { column: 'name', transform: 'trim(name)', rule: 'trim' },
        { column: 'emailAddress', rename: 'email_address', rule: 'snake_case' },
        { column: 'legacy', omit: true },
        { column: 'flags', transform: "CASE WHEN `a|b` = 'x\\|y' THEN 'Grüße ✓'\n  ELSE \"q\" END" },
      ],
    },
    { table: 'Order|Line', rename: 'order_lines', columns: [{ column: 'qty', type: 'numeric(10, 2)' }] },
  ],
}
const stepsOf = async (planId: string) =>
  (await db.step.findMany({ where: { planId }, orderBy: { position: 'asc' } })).map(
    ({ kind, name, body, config, isDraft }) => ({ kind, name, body, config, isDraft }),
  )

describe('plan documents in the database', () => {
  it.each(['generic-five-week-plan.md', 'sqlite-to-postgres-dual-write.md', 'zero-downtime-data-migration.md'])(
    'import then export gives back %s',
    async (name) => {
      const lead = await makeUser('LEAD')
      const doc = fixture(name)
      const { id } = await importPlanDocument(lead, doc)
      const exported = await exportPlanDocument(lead, id)
      expect(structure(exported)).toEqual(structure(doc))
      // …and the Markdown of the export reads back to the same structure again.
      expect(structure(parsePlanDocument(formatPlanDocument(exported)))).toEqual({
        ...structure(doc),
        notes: expect.any(Array),
      })
    },
  )

  it.each([
    '01-checklist-emoji-headings.md',
    '03-phases-with-criteria-and-triggers.md',
    '04-gantt-timeline.md',
    '06-gantt-variants.md',
    '07-fenced-markdown-templates.md',
    '10-t-minus-cutover-runbook.md',
  ])(
    'import then export gives back the real shape %s, Gantt tasks with their dates and dependencies included',
    async (name) => {
      const lead = await makeUser('LEAD')
      const doc = fixture(`real-shapes/${name}`)
      const { id } = await importPlanDocument(lead, doc)
      const exported = await exportPlanDocument(lead, id)
      expect(structure(exported)).toEqual(structure(doc))
      expect(structure(parsePlanDocument(formatPlanDocument(exported)))).toEqual({
        ...structure(doc),
        notes: expect.any(Array),
      })
    },
  )

  it('keeps copy steps with their mapping, and validate, backup, observe and manual steps, through export and import', async () => {
    const lead = await makeUser('LEAD')
    const { id } = await importPlanDocument(
      lead,
      parsePlanDocument('# Copy with a mapping\n\n## Phase 1: Data migration\n- [ ] Copy\n'),
    )
    const phaseId = (await db.phase.findFirstOrThrow({ where: { planId: id } })).id
    const copy = { phaseId, schemas: 'public\nsales', jobs: '3', chunkRows: '5000', maxRejectedRows: '7' }
    await addCopyStep(
      lead,
      ZAddCopyStep.parse({
        ...copy,
        name: "Copy the app's tables",
        tables: 'User\nOrder|Line',
        mode: 'existing',
        existingRows: 'merge',
        reload: 'on',
        mapping: JSON.stringify(MAPPING),
      }),
    )
    await addCopyStep(
      lead,
      ZAddCopyStep.parse({
        ...copy,
        name: 'Refill',
        tables: '',
        mode: 'existing',
        existingRows: 'empty',
        confirmEmpty: 'on',
      }),
    )
    await addValidateStep(
      lead,
      ZAddValidateStep.parse({
        phaseId,
        name: 'Compare',
        tables: 'users',
        maxSamples: '5',
        maxDifferences: '9',
        integrity: '',
      }),
    )
    await addBackupStep(lead, ZAddBackupStep.parse({ phaseId, name: 'Back up', of: 'source', tables: 'User' }))
    await addObserveStep(lead, ZAddObserveStep.parse({ phaseId, name: 'Watch', minutes: '1.5', rollback: 'start' }))
    await addManualStep(
      lead,
      ZAddManualStep.parse({
        phaseId,
        name: 'Sign-off',
        instructions: 'Ask the **DBA**.\n\n- twice',
        requireChecklist: 'on',
      }),
    )
    const before = await stepsOf(id)

    const markdown = formatPlanDocument(await exportPlanDocument(lead, id))
    expect(markdown).toContain("**Step:** Copy the app's tables (copy)")
    const doc = parsePlanDocument(markdown)
    // The emptying was confirmed by the person who saved the step, not by whoever imports a document.
    expect(doc.warnings.map((w) => w.message)).toEqual([
      expect.stringContaining("The copy step “Refill” empties the target's tables that already have rows"),
    ])
    const again = await importPlanDocument(lead, doc)
    const after = await stepsOf(again.id)

    expect(after).toEqual(
      before.map((s) =>
        s.name === 'Refill'
          ? { ...s, config: { ...(s.config as object), emptyConfirmed: undefined }, isDraft: true }
          : { ...s, isDraft: true },
      ),
    )
    expect(copyConfigOf(after[0]?.config)).toEqual(copyConfigOf(before[0]?.config))
    expect(copyConfigOf(after[0]?.config).mapping).toEqual(MAPPING)
    expect(copyConfigOf(after[1]?.config)).toMatchObject({ existingRows: 'empty', emptyConfirmed: false })
    const audit = await db.auditEvent.findFirstOrThrow({ where: { planId: again.id, action: 'plan.import' } })
    expect(audit.after).toMatchObject({ stepKinds: { copy: 2, validate: 1, backup: 1, observe: 1, manual: 1 } })
  })

  it('keeps a copy step whose mapping breaks a rule as a note, and names the step and the rule', async () => {
    const lead = await makeUser('LEAD')
    const title = `Bad mapping ${Date.now()}`
    const doc = parsePlanDocument(
      `# ${title}\n\n## Phase 1: Copy\n\n**Step:** Copy users (copy)\n\nCopy settings: mode create · tables all\n\n| Table | Column | Becomes | Type | Transform or filter | Rule |\n|---|---|---|---|---|---|\n| \`User\` | \`legacy\` | (left out) | text | | |\n`,
    )
    expect(doc.warnings).toContainEqual({
      line: 5,
      message:
        'The copy step “Copy users” cannot be read: the mapping – User.legacy: is left out, so it cannot also be renamed, retyped or transformed. It is kept as a note.',
    })
    const { id } = await importPlanDocument(lead, doc)
    expect(await db.step.count({ where: { planId: id } })).toBe(0)
    const note = await db.planNote.findFirstOrThrow({ where: { planId: id, title: 'Copy users' } })
    expect(note.body).toContain('| `User` | `legacy` | (left out) | text |')
    expect(note.language).toBe('markdown')

    // Given as data (the API), the same step is refused, naming it and the rule; nothing is saved.
    const step = {
      kind: 'copy',
      name: 'Copy users',
      body: '',
      config: {
        tables: [],
        schemas: [],
        mode: 'create',
        jobs: 2,
        chunkRows: 250_000,
        maxRejectedRows: 0,
        reload: false,
        existingRows: 'refuse',
        mapping: { tables: [{ table: 'User', columns: [{ column: 'legacy', omit: true, type: 'text' }] }] },
      },
    }
    await expect(
      importPlanDocument(lead, { title: `${title} (data)`, phases: [{ name: 'Copy', steps: [step] }] }),
    ).rejects.toMatchObject({
      code: 'INVALID',
      message: expect.stringContaining('(step “Copy users”): the mapping – User.legacy: is left out'),
    })
    expect(await db.plan.count({ where: { title: `${title} (data)` } })).toBe(0)
  })

  it('shows a Gantt task on the plan page with its dates, length and the tasks it follows by name', async () => {
    const lead = await makeUser('LEAD')
    const { id } = await importPlanDocument(lead, fixture('real-shapes/04-gantt-timeline.md'))
    const timeline = (await getPlanForViewer(lead, id)).timeline
    expect(timeline.find((t) => t.text === 'Sign-off')?.detail).toBe(
      'Staging: 2025-03-25, after Application tests, Load tests · milestone',
    )
    expect(timeline.find((t) => t.text === 'Orders upgrade schedule')?.detail).toBeNull()
  })

  it('keeps the measurable condition of rollback triggers through export and import', async () => {
    const lead = await makeUser('LEAD')
    const doc = parsePlanDocument(
      '# Triggers\n\n## Rollback triggers\n- Error rate above 5 % (error_rate_percent > 5 for 30 s)\n- Lag (replication_lag_seconds >= 2.5)\n- Tiny (temp_mb_per_second > 1e-7)\n- Customers complain (loudly)\n- Odd (unknown_metric > 1)\n',
    )
    expect(doc.rollbackTriggers).toEqual([
      {
        text: 'Error rate above 5 %',
        condition: { metric: 'error_rate_percent', comparator: 'GT', threshold: 5, sustainedSeconds: 30 },
      },
      {
        text: 'Lag',
        condition: { metric: 'replication_lag_seconds', comparator: 'GTE', threshold: 2.5, sustainedSeconds: 0 },
      },
      {
        text: 'Tiny',
        condition: { metric: 'temp_mb_per_second', comparator: 'GT', threshold: 1e-7, sustainedSeconds: 0 },
      },
      { text: 'Customers complain (loudly)', condition: null },
      { text: 'Odd (unknown_metric > 1)', condition: null },
    ])
    const { id } = await importPlanDocument(lead, doc)
    expect(
      (await getPlanForViewer(lead, id)).rollbackTriggers.map(
        ({ text, metric, comparator, threshold, sustainedSeconds }) => [
          text,
          metric,
          comparator,
          threshold,
          sustainedSeconds,
        ],
      ),
    ).toEqual([
      ['Error rate above 5 %', 'error_rate_percent', 'GT', 5, 30],
      ['Lag', 'replication_lag_seconds', 'GTE', 2.5, 0],
      ['Tiny', 'temp_mb_per_second', 'GT', 1e-7, 0],
      ['Customers complain (loudly)', null, null, null, 0],
      ['Odd (unknown_metric > 1)', null, null, null, 0],
    ])
    const markdown = formatPlanDocument(await exportPlanDocument(lead, id))
    expect(markdown).toContain('- Error rate above 5 % (`error_rate_percent > 5 for 30 s`)')
    expect(parsePlanDocument(markdown).rollbackTriggers).toEqual(doc.rollbackTriggers)
  })

  it('saves one draft plan owned by the importer, with one audit event and the list rollup', async () => {
    const lead = await makeUser('LEAD')
    const { id } = await importPlanDocument(lead, fixture('generic-five-week-plan.md'))
    const plan = await db.plan.findUniqueOrThrow({ where: { id } })
    expect(plan).toMatchObject({ status: 'DRAFT', ownerId: lead.id, phaseCount: 5, openRiskCount: 3 })
    expect((await planProgressOf([id])).get(id)).toMatchObject({ itemsTotal: 45, itemsDone: 0 })
    const events = await db.auditEvent.findMany({ where: { planId: id } })
    expect(events.map((e) => e.action)).toEqual(['plan.import'])
    const detail = await getPlanForViewer(lead, id)
    expect(detail.risks.every((r) => r.score === null)).toBe(true)
    const first = detail.phases[0]?.id ?? ''
    expect((await listPhaseItems(lead, id, [first])).get(first)?.[0]).toMatchObject({
      text: 'Full backup of all existing databases',
    })
  })

  it('records ticked items of the document as ticked by the importer', async () => {
    const lead = await makeUser('LEAD')
    const { id } = await importPlanDocument(
      lead,
      parsePlanDocument('# T\n\n## Phase 1: Copy\n- [x] Snapshot\n- [ ] Copy\n'),
    )
    const items = await db.checklistItem.findMany({ where: { phase: { planId: id } }, orderBy: { position: 'asc' } })
    expect(items.map((i) => [i.text, i.doneById])).toEqual([
      ['Snapshot', lead.id],
      ['Copy', null],
    ])
  })

  it('refuses a document with a hidden character in any field, however it arrives, and saves nothing', async () => {
    const lead = await makeUser('LEAD')
    const title = `Hidden ${Date.now()}`
    // Parsed from Markdown (the form, an upload, the command line) or given as data (the API): the same check.
    const parsed = parsePlanDocument(
      `# ${title}\n\n## Phase 1: Copy\n- [ ] Snapshot\n- [ ] Copy invoice\u202Efdp.exe\n`,
    )
    await expect(importPlanDocument(lead, parsed)).rejects.toMatchObject({
      code: 'INVALID',
      message: expect.stringContaining(
        "In the document's phases.0.items.1.text: Remove the invisible character U+202E",
      ),
    })
    const given = {
      title,
      risks: [{ title: 'Lag', mitigation: 'Throttle\u200Bthe copy' }],
      phases: [{ name: 'Copy', steps: [{ kind: 'sql', name: 'Add', body: 'SELECT 1; -- \u2066 hidden' }] }],
    }
    await expect(importPlanDocument(lead, given)).rejects.toMatchObject({
      code: 'INVALID',
      message: expect.stringContaining('phases.0.steps.0.body: Remove the invisible character U+2066'),
    })
    await expect(importPlanDocument(lead, { ...given, phases: [] })).rejects.toMatchObject({
      code: 'INVALID',
      message: expect.stringContaining('risks.0.mitigation: Remove the invisible character U+200B'),
    })
    expect(await db.plan.count({ where: { title } })).toBe(0)
  })

  it('refuses stakeholders and invalid documents, writing nothing', async () => {
    const title = `Refused ${Date.now()}`
    const stakeholder = await makeUser('STAKEHOLDER')
    await expect(
      importPlanDocument(stakeholder, { ...fixture('generic-five-week-plan.md'), title }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    const lead = await makeUser('LEAD')
    await expect(importPlanDocument(lead, { title: '' })).rejects.toMatchObject({ code: 'INVALID' })
    await expect(
      importPlanDocument(lead, { title, phases: Array.from({ length: 101 }, (_, i) => ({ name: `P${i}` })) }),
    ).rejects.toMatchObject({ code: 'INVALID' })
    expect(await db.plan.count({ where: { title } })).toBe(0)
  })
})
