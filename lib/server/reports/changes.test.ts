import { describe, expect, it } from 'vitest'
import { reportChanges } from './changes'
import type { ReportDTO } from './queries'

const base: ReportDTO = {
  plan: { id: 'p', title: 'Orders', status: 'ACTIVE', ownerName: 'Lee', startDate: null },
  generatedAt: '2026-11-20T06:00:00.000Z',
  verdict: { status: 'ON_TRACK', reasons: [] },
  progress: 40,
  phases: [
    {
      name: 'Preparation',
      status: 'IN_PROGRESS',
      plannedStart: '2026-11-01',
      plannedEnd: '2026-11-30',
      plannedLabel: null,
      actualStart: null,
      actualEnd: null,
      slippageDays: 0,
      itemsDone: 2,
      itemsTotal: 4,
    },
    {
      name: 'Cutover',
      status: 'NOT_STARTED',
      plannedStart: null,
      plannedEnd: null,
      plannedLabel: null,
      actualStart: null,
      actualEnd: null,
      slippageDays: null,
      itemsDone: 0,
      itemsTotal: 3,
    },
  ],
  windows: [],
  risks: [
    {
      id: 'r1',
      title: 'Lock contention',
      impact: 'HIGH',
      likelihood: 'POSSIBLE',
      score: 9,
      status: 'OPEN',
      owner: null,
      mitigation: '',
      critical: false,
    },
    {
      id: 'r2',
      title: 'Disk full',
      impact: 'MEDIUM',
      likelihood: 'RARE',
      score: 2,
      status: 'OPEN',
      owner: null,
      mitigation: '',
      critical: false,
    },
  ],
  runs: [
    {
      id: 'run1',
      phaseName: 'Preparation',
      environmentName: 'staging',
      status: 'SUCCEEDED',
      dryRun: false,
      startedAt: '2026-11-19T10:00:00.000Z',
      finishedAt: '2026-11-19T10:01:00.000Z',
      seconds: 60,
    },
  ],
  validation: null,
  criteria: [{ text: 'Row counts match', status: 'PENDING', evidenceId: null, evaluatedAt: null }],
}

const texts = (before: ReportDTO, after: ReportDTO) => reportChanges(before, after).map((c) => `${c.tone}: ${c.text}`)

describe('what changed between two reports', () => {
  it('finds nothing between a report and itself', () => {
    expect(reportChanges(base, structuredClone(base))).toEqual([])
  })

  it('tells a worse status and a lower progress as worse, a better one as better', () => {
    expect(texts(base, { ...base, verdict: { status: 'BLOCKED', reasons: [] }, progress: 35 })).toEqual([
      'worse: Status went from On track to Blocked.',
      'worse: Progress went from 40 % to 35 % (-5).',
    ])
    expect(texts({ ...base, verdict: { status: 'AT_RISK', reasons: [] } }, { ...base, progress: 55 })).toEqual([
      'better: Status went from At risk to On track.',
      'better: Progress went from 40 % to 55 % (+15).',
    ])
  })

  it('follows phases by name: status changes, additions, removals', () => {
    const after = {
      ...base,
      phases: [
        { ...base.phases[0], status: 'DONE' as const },
        { ...base.phases[0], name: 'Validation' },
      ],
    } as ReportDTO
    expect(texts(base, after)).toEqual([
      'better: Phase “Preparation” went from in progress to done.',
      'neutral: Phase “Validation” was added.',
      'neutral: Phase “Cutover” was removed.',
    ])
  })

  it('follows risks by id: opened, closed, reopened, rescored', () => {
    const after: ReportDTO = {
      ...base,
      risks: [
        { ...base.risks[0], id: 'r1', score: 16, likelihood: 'ALMOST_CERTAIN' },
        { ...base.risks[1], id: 'r2', status: 'MITIGATED' },
        {
          id: 'r3',
          title: 'Replica lag',
          impact: 'CRITICAL',
          likelihood: 'LIKELY',
          score: 16,
          status: 'OPEN',
          owner: null,
          mitigation: '',
          critical: true,
        },
      ] as ReportDTO['risks'],
    }
    expect(texts(base, after)).toEqual([
      'worse: Risk “Lock contention” went from score 9 to 16.',
      'better: Risk “Disk full” was mitigated.',
      'worse: Risk “Replica lag” was opened (score 16).',
    ])
    expect(
      texts(after, {
        ...after,
        risks: after.risks.map((r) => (r.id === 'r2' ? { ...r, status: 'OPEN' as const } : r)),
      }),
    ).toEqual(['worse: Risk “Disk full” was reopened (score 2).'])
  })

  it('lists runs started since, success criteria decided, and a new validation', () => {
    const after: ReportDTO = {
      ...base,
      runs: [
        {
          ...(base.runs[0] as ReportDTO['runs'][number]),
          id: 'run2',
          status: 'FAILED',
          environmentName: 'production',
          startedAt: '2026-11-20T09:00:00.000Z',
        },
        ...base.runs,
      ],
      criteria: [{ ...base.criteria[0], status: 'MET' } as ReportDTO['criteria'][number]],
      validation: {
        id: 'v1',
        status: 'FAILED',
        environmentName: 'staging',
        finishedAt: '2026-11-20T09:30:00.000Z',
        tables: 4,
        matching: 3,
        differing: 1,
        findings: 0,
        rulesFailed: 0,
      },
    }
    expect(texts(base, after)).toEqual([
      'better: Success criterion “Row counts match” went from pending to met.',
      'worse: A run of “Preparation” on production: failed.',
      'worse: A validation on staging failed: 3 of 4 tables match.',
    ])
  })

  it('tells a phase that became overdue, and a newly approved window', () => {
    const after: ReportDTO = {
      ...base,
      phases: [{ ...base.phases[0], slippageDays: 2 }, base.phases[1]] as ReportDTO['phases'],
      windows: [
        {
          environmentName: 'production',
          phaseName: 'Cutover',
          status: 'APPROVED',
          startsAt: '2026-11-28T22:00:00.000Z',
          endsAt: '2026-11-29T02:00:00.000Z',
          active: false,
        },
      ],
    }
    expect(texts(base, after)).toEqual([
      'worse: Phase “Preparation” is now overdue (planned to end 2026-11-30).',
      'better: A maintenance window on production was approved: 2026-11-28 22:00 UTC → 2026-11-29 02:00 UTC.',
    ])
  })
})
