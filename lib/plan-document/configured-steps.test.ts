import { describe, expect, it } from 'vitest'
import { formatPlanDocument } from './format'
import { parsePlanDocument } from './parse'
import type { DocStepConfig } from './step-config'
import { ZDocPlan, type DocPlan, type DocStep } from './types'

const planWith = (...steps: DocStep[]): DocPlan =>
  ZDocPlan.parse({ title: 'Copy plan', phases: [{ name: 'Data migration', steps }] })
const roundTrip = (plan: DocPlan) => parsePlanDocument(formatPlanDocument(plan))

const copyConfig = (over: Partial<Record<string, unknown>> = {}) => ({
  tables: [],
  schemas: [],
  mode: 'create',
  jobs: 2,
  chunkRows: 250_000,
  maxRejectedRows: 0,
  reload: false,
  existingRows: 'refuse',
  mapping: { tables: [] },
  ...over,
})
const step = (kind: DocStep['kind'], name: string, config: unknown, body = ''): DocStep =>
  ({ kind, name, language: null, body, config: config as DocStepConfig }) as DocStep

// Every kind of rule, and expressions a table cell and a code span both find awkward.
const EVERY_RULE = {
  tables: [
    {
      table: 'User',
      rename: 'users',
      filter: "\"deletedAt\" IS NULL AND note <> 'it''s'",
      filterRule: 'orphans',
      columns: [
        {
          column: 'createdAt',
          rename: 'created_at',
          type: 'timestamptz',
          transform: 'datetime("createdAt", \'unixepoch\')',
          rule: 'epoch',
        },
        { column: 'id', type: 'uuid', rule: 'uuid' },
        { column: 'isAdmin', rename: 'is_admin', type: 'boolean', rule: 'boolean' },
        { column: 'prefs', type: 'jsonb', rule: 'json' },
        { column: 'name', transform: 'trim(name)', rule: 'trim' },
        { column: 'emailAddress', rename: 'email_address', rule: 'snake_case' },
        { column: 'legacy', omit: true },
        { column: 'flags', transform: "CASE WHEN a | b = 1 THEN 'x|y' ELSE `quoted` || 'z' END" },
        { column: 'label', transform: '\'Grüße – 東京 ✓ 🚀\' || "naïve"' },
        { column: 'regex', transform: "name ~ 'a\\|b\\\\n' AND x = E'\\n'" },
        { column: 'multi', transform: 'CASE\n  WHEN x THEN 1 -- one\n  ELSE 2\nEND' },
        { column: 'ticks', transform: "`a``b` || '`' || '``'" },
        { column: 'crlf', transform: '1 -- windows\r\n+\t2' },
        { column: 'plain' },
      ],
    },
    { table: 'Audit Log', columns: [] },
    {
      table: 'Order|Line',
      rename: 'order_lines',
      columns: [{ column: 'qty·n', rename: 'qty, n', type: 'numeric(10, 2)' }],
    },
  ],
}

describe('copy steps in a plan document', () => {
  it('writes the settings line and a readable mapping table under the step', () => {
    const markdown = formatPlanDocument(
      planWith(
        step(
          'copy',
          "Copy the app's tables",
          copyConfig({
            mapping: {
              tables: [
                {
                  table: 'User',
                  rename: 'users',
                  filter: '"deletedAt" IS NULL',
                  columns: [
                    { column: 'createdAt', rename: 'created_at', type: 'timestamptz', rule: 'epoch' },
                    { column: 'legacy', omit: true },
                  ],
                },
              ],
            },
          }),
        ),
      ),
    )
    // Cells are padded to line up; the words are what matter here.
    expect(markdown.replace(/ +/g, ' ')).toContain(
      [
        "**Step:** Copy the app's tables (copy)",
        '',
        'Copy settings: mode create · tables all · schemas all · 2 connections · 250,000 rows per chunk · 0 rejected rows allowed · reload no',
        '',
        '| Table | Column | Becomes | Type | Transform or filter | Rule |',
        '| ------ | ----------- | ------------ | ----------- | ----------------------------- | ---------------------------- |'.replace(
          / +/g,
          ' ',
        ),
        '| `User` | | `users` | | filter: `"deletedAt" IS NULL` | |',
        '| `User` | `createdAt` | `created_at` | timestamptz | | epoch numbers to timestamptz |',
        '| `User` | `legacy` | (left out) | | | |',
      ].join('\n'),
    )
  })

  it('reads back every kind of rule, with |, backticks, quotes, backslashes, line breaks and non-ASCII byte for byte', () => {
    const plan = planWith(
      step(
        'copy',
        'Copy everything',
        copyConfig({
          mode: 'existing',
          existingRows: 'merge',
          tables: ['User', 'Order|Line', 'Audit Log', 'a, b · c'],
          schemas: ['public', 'sales'],
          jobs: 1,
          chunkRows: 1_000_000,
          maxRejectedRows: 12_345,
          reload: true,
          mapping: EVERY_RULE,
        }),
      ),
    )
    const back = roundTrip(plan)
    expect(back.warnings).toEqual([])
    expect(back.phases[0]?.steps).toEqual(plan.phases[0]?.steps)
    expect(back.phases[0]?.steps[0]?.config).toMatchObject({ mapping: EVERY_RULE })
    // …and again: the Markdown is stable.
    expect(formatPlanDocument(back)).toBe(formatPlanDocument(plan))
  })

  it('keeps a copy step whose mapping breaks a rule as a note, naming the step and the rule', () => {
    const markdown = [
      '# Plan',
      '',
      '## Phase 1: Copy',
      '',
      '**Step:** Copy users (copy)',
      '',
      'Copy settings: mode create · tables all',
      '',
      '| Table | Column | Becomes | Type | Transform or filter | Rule |',
      '|---|---|---|---|---|---|',
      '| `User` | `legacy` | (left out) | text |  |  |',
      '',
    ].join('\n')
    const plan = parsePlanDocument(markdown)
    const [kept] = plan.phases[0]?.steps ?? []
    expect(kept).toMatchObject({ kind: 'note', name: 'Copy users', language: 'markdown' })
    expect(kept?.body).toContain('| `User` | `legacy` | (left out) | text |')
    expect(plan.warnings).toContainEqual({
      line: 5,
      message:
        'The copy step “Copy users” cannot be read: the mapping – User.legacy: is left out, so it cannot also be renamed, retyped or transformed. It is kept as a note.',
    })
    // Nothing is lost either: the note exports and reads back as the same note.
    expect(roundTrip(ZDocPlan.parse(plan)).phases[0]?.steps).toEqual(plan.phases[0]?.steps)
  })

  it('keeps a copy step with a setting it does not know, or a rule it does not know, as a note', () => {
    const plan = parsePlanDocument(
      '# P\n\n## Phase 1: Copy\n\n**Step:** Copy (copy)\n\nCopy settings: mode sideways · 40 connections · colour blue\n\n**Step:** Other (copy)\n\nCopy settings: mode create\n\n| Table | Column | Becomes | Type | Transform or filter | Rule |\n|---|---|---|---|---|---|\n| `t` | `c` |  |  |  | magic |\n\n**Step:** Third (copy)\n\nCopy settings: mode create\n\n| Table | Column | Becomes | Type | Transform or filter | Rule |\n|---|---|---|---|---|---|\n| `t` | `c` |  |  | `trim(c` |  |\n',
    )
    expect(plan.phases[0]?.steps.map((s) => s.kind)).toEqual(['note', 'note', 'note'])
    expect(plan.warnings.map((w) => w.message)).toEqual([
      'The copy step “Copy” cannot be read: “colour blue” is not one of its settings. It is kept as a note.',
      expect.stringMatching(
        /^The copy step “Other” cannot be read: t\.c: “magic” is not a rule \(names to snake_case, /,
      ),
      'The copy step “Third” cannot be read: the mapping – t.c: the transform leaves a parenthesis open. It is kept as a note.',
    ])
  })

  it('reads a copy step written by hand: names without code spans, settings left out take their defaults', () => {
    const plan = parsePlanDocument(
      '# P\n\n## Phase 1: Copy\n\n**Step:** Copy orders (copy)\n\nCopy settings: tables orders, order_lines · 4 connections\n\n| Table | Column | Becomes | Type | Transform or filter | Rule |\n|---|---|---|---|---|---|\n| orders | | |  | filter: total > 0 | |\n| orders | createdAt | created_at | TIMESTAMPTZ | | epoch numbers to timestamptz |\n',
    )
    expect(plan.warnings).toEqual([])
    expect(plan.phases[0]?.steps[0]).toEqual({
      kind: 'copy',
      name: 'Copy orders',
      language: null,
      body: '',
      config: copyConfig({
        tables: ['orders', 'order_lines'],
        jobs: 4,
        mapping: {
          tables: [
            {
              table: 'orders',
              filter: 'total > 0',
              columns: [{ column: 'createdAt', rename: 'created_at', type: 'timestamptz', rule: 'epoch' }],
            },
          ],
        },
      }),
    })
  })

  it('reads back a copy step outside any phase, and a step whose settings line names another kind as a note', () => {
    const plan = ZDocPlan.parse({
      title: 'Unplaced',
      phases: [{ name: 'P' }],
      steps: [
        step(
          'copy',
          'Loose copy',
          copyConfig({ maxRejectedRows: 1, mapping: { tables: [{ table: 't', columns: [] }] } }),
        ),
      ],
    })
    const markdown = formatPlanDocument(plan)
    expect(markdown).toContain('· 1 rejected row allowed ·')
    expect(roundTrip(plan).steps).toEqual(plan.steps)
    const mixed = parsePlanDocument(
      '# P\n\n## Phase 1: Copy\n\n**Step:** Check (validate)\n\nCopy settings: tables all\n',
    )
    expect(mixed.phases[0]?.steps[0]).toMatchObject({ kind: 'note', name: 'Check' })
    expect(mixed.warnings[0]?.message).toBe(
      'The validate step “Check” cannot be read: its settings are headed “Copy settings”, not “Validate settings”. It is kept as a note.',
    )
  })

  it('leaves a script whose label happens to end in “(copy)” a script', () => {
    const plan = parsePlanDocument('# P\n\n## Phase 1: Copy\n\n**Step:** Users (copy)\n\n```sql\nSELECT 1;\n```\n')
    expect(plan.phases[0]?.steps).toEqual([{ kind: 'sql', name: 'Users (copy)', language: 'sql', body: 'SELECT 1;' }])
  })
})

describe('validate, backup, observe and manual steps in a plan document', () => {
  it('read back with their settings and a manual step with its instructions', () => {
    const plan = planWith(
      step('validate', 'Compare', {
        tables: ['users'],
        schemas: [],
        maxSamples: 5,
        maxDifferences: 1,
        integrity: false,
      }),
      step('backup', 'Back up the source', { of: 'source', tables: ['a, b', 'c'] }),
      step('observe', 'Watch', { seconds: 1, rollback: 'start' }),
      step('manual', 'Sign-off', { requireChecklist: true }, 'Ask the **DBA**.\n\n```sql\nSELECT 1;\n```'),
      step('manual', 'Quiet gate', { requireChecklist: false }),
    )
    const markdown = formatPlanDocument(plan)
    expect(markdown).toContain(
      'Validate settings: tables `users` · schemas all · 5 samples per table · 1 difference per table · integrity checks no',
    )
    expect(markdown).toContain('Observe settings: 1 second watched · rollback start')
    const back = roundTrip(plan)
    expect(back.warnings).toEqual([])
    expect(back.phases[0]?.steps).toEqual(plan.phases[0]?.steps)
  })

  it('refuses settings out of bounds when given as data, naming the step', () => {
    const given = {
      title: 'T',
      phases: [{ name: 'P', steps: [step('observe', 'Watch', { seconds: 0, rollback: 'offer' })] }],
    }
    const parsed = ZDocPlan.safeParse(given)
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.message).toBe('(step “Watch”): the seconds watched is below 1')
    const odd = ZDocPlan.safeParse({
      title: 'T',
      steps: [
        { kind: 'backup', name: 'B', body: '', config: { of: 'target', tables: 'all', colour: 'blue' } },
        { kind: 'manual', name: 'M', body: '' },
      ],
    })
    expect(odd.error?.issues.map((i) => i.message)).toEqual([
      '(step “B”): tables: Invalid input: expected array, received string',
      '(step “B”): colour is not a setting of this step',
      '(step “M”): its settings are missing',
    ])
  })
})
