import { describe, expect, it } from 'vitest'
import { daysBetween, reportStatus, type StatusFacts } from './rules'

const base = (over: Partial<StatusFacts> = {}): StatusFacts => ({
  planStatus: 'ACTIVE',
  today: '2026-11-21',
  phases: [
    { name: 'Preparation', status: 'DONE', blockedReason: null, plannedEnd: '2026-11-10' },
    { name: 'Copy', status: 'IN_PROGRESS', blockedReason: null, plannedEnd: '2026-11-30' },
  ],
  risks: [{ title: 'Slow backfill', impact: 'MEDIUM', likelihood: 'POSSIBLE', status: 'OPEN' }],
  latestRuns: [{ phaseName: 'Preparation', environmentName: 'staging', status: 'SUCCEEDED' }],
  criteria: [{ text: 'Row counts match', status: 'PENDING' }],
  ...over,
})

describe('the report status', () => {
  it('is on track when no rule holds, and says so', () => {
    expect(reportStatus(base())).toEqual({
      status: 'ON_TRACK',
      reasons: ['No phase is blocked or overdue, no run failed, no open critical risk, no unmet criterion.'],
    })
  })

  it('is at risk for an overdue phase, with the days of slippage', () => {
    const facts = base({ today: '2026-12-03' })
    expect(reportStatus(facts)).toEqual({
      status: 'AT_RISK',
      reasons: ['Phase “Copy” is overdue by 3 days (planned to end 2026-11-30).'],
    })
    // A done phase past its planned end is not overdue.
    expect(reportStatus(base({ today: '2026-11-12' })).status).toBe('ON_TRACK')
  })

  it('is at risk for an open critical risk – by impact or by score – but not a mitigated one', () => {
    expect(
      reportStatus(base({ risks: [{ title: 'Data loss', impact: 'CRITICAL', likelihood: 'RARE', status: 'OPEN' }] })),
    ).toEqual({ status: 'AT_RISK', reasons: ['Risk “Data loss” is open and critical.'] })
    expect(
      reportStatus(
        base({ risks: [{ title: 'Lock storm', impact: 'HIGH', likelihood: 'ALMOST_CERTAIN', status: 'OPEN' }] }),
      ).status,
    ).toBe('AT_RISK') // 3 × 5 = 15
    expect(
      reportStatus(base({ risks: [{ title: 'Lock storm', impact: 'HIGH', likelihood: 'LIKELY', status: 'OPEN' }] }))
        .status,
    ).toBe('ON_TRACK') // 3 × 4 = 12
    expect(
      reportStatus(
        base({ risks: [{ title: 'Data loss', impact: 'CRITICAL', likelihood: 'LIKELY', status: 'MITIGATED' }] }),
      ).status,
    ).toBe('ON_TRACK')
  })

  it('is at risk for an unmet success criterion', () => {
    expect(reportStatus(base({ criteria: [{ text: 'Row counts match', status: 'NOT_MET' }] }))).toEqual({
      status: 'AT_RISK',
      reasons: ['Success criterion “Row counts match” is not met.'],
    })
  })

  it('is blocked by a blocked phase or an unresolved failed run, and lists the other reasons too', () => {
    const phases: StatusFacts['phases'] = [
      { name: 'Copy', status: 'BLOCKED', blockedReason: 'waiting for the vendor', plannedEnd: '2026-11-20' },
    ]
    expect(reportStatus(base({ phases }))).toEqual({
      status: 'BLOCKED',
      reasons: [
        'Phase “Copy” is blocked: waiting for the vendor.',
        'Phase “Copy” is overdue by 1 day (planned to end 2026-11-20).',
      ],
    })
    expect(
      reportStatus(base({ latestRuns: [{ phaseName: 'Copy', environmentName: 'production', status: 'FAILED' }] })),
    ).toEqual({
      status: 'BLOCKED',
      reasons: ['The last run of “Copy” on production failed and is not resolved.'],
    })
    expect(
      reportStatus(
        base({ latestRuns: [{ phaseName: 'Copy', environmentName: 'production', status: 'ROLLBACK_FAILED' }] }),
      ).reasons,
    ).toEqual(['The last run of “Copy” on production failed to roll back and is not resolved.'])
    // A run rolled back (resolved) or succeeded later blocks nothing.
    expect(
      reportStatus(base({ latestRuns: [{ phaseName: 'Copy', environmentName: 'production', status: 'ROLLED_BACK' }] }))
        .status,
    ).toBe('ON_TRACK')
  })

  it('is done when every phase is done and every criterion met, or when the plan was completed', () => {
    const done = base({
      phases: [{ name: 'Copy', status: 'DONE', blockedReason: null, plannedEnd: null }],
      criteria: [{ text: 'Row counts match', status: 'MET' }],
    })
    expect(reportStatus(done)).toEqual({
      status: 'DONE',
      reasons: ['Every phase is done and every success criterion is met.'],
    })
    expect(reportStatus({ ...done, criteria: [{ text: 'Row counts match', status: 'PENDING' }] })).toEqual({
      status: 'ON_TRACK',
      reasons: ['Every phase is done; 1 success criterion is still to be decided.'],
    })
    expect(reportStatus(base({ planStatus: 'COMPLETED' })).status).toBe('DONE')
  })

  it('is rolled back when the plan was, whatever else holds', () => {
    expect(
      reportStatus(
        base({
          planStatus: 'ROLLED_BACK',
          latestRuns: [{ phaseName: 'Copy', environmentName: 'production', status: 'FAILED' }],
        }),
      ),
    ).toEqual({ status: 'ROLLED_BACK', reasons: ['The plan was rolled back.'] })
  })

  it('counts days across months and years', () => {
    expect([
      daysBetween('2026-11-30', '2026-12-03'),
      daysBetween('2026-12-31', '2027-01-01'),
      daysBetween('2026-11-21', '2026-11-21'),
      daysBetween('2026-11-22', '2026-11-21'),
    ]).toEqual([3, 1, 0, -1])
  })
})
