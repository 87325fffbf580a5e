import { describe, expect, it } from 'vitest'
import { evaluateHealth, type SeriesPoint, type TriggerInput } from './health'

const T0 = Date.parse('2026-11-21T10:00:00.000Z')
const series = (values: (number | null | 'down')[], metric = 'rollbacks_per_second'): SeriesPoint[] =>
  values.map((v, i) => ({
    at: T0 + i * 2000,
    ok: v !== 'down',
    error: v === 'down' ? 'connection refused' : null,
    values: v === null || v === 'down' ? {} : { [metric]: v },
  }))

const trigger = (over: Partial<TriggerInput> = {}): TriggerInput => ({
  id: 't1',
  text: 'Too many rollbacks',
  metric: 'rollbacks_per_second',
  comparator: 'GT',
  threshold: 5,
  sustainedSeconds: 0,
  ...over,
})

describe('evaluateHealth', () => {
  it('is healthy while the condition never holds', () => {
    const report = evaluateHealth([trigger()], series([null, 1, 2, 5]))
    expect(report.health).toBe('HEALTHY')
    expect(report.reasons).toEqual([])
    expect(report.triggers[0]).toMatchObject({ state: 'OK', value: '5 /s', firedAt: null })
  })

  it('fires on the first sample over the threshold when nothing needs sustaining', () => {
    const report = evaluateHealth([trigger()], series([1, 2, 7.5]))
    expect(report.health).toBe('FAILING')
    expect(report.triggers[0]).toMatchObject({ state: 'FIRING', value: '7.5 /s', firedAt: '2026-11-21T10:00:04.000Z' })
    expect(report.reasons[0]).toContain('“Too many rollbacks” fired at 10:00:04')
    expect(report.reasons[0]).toContain('rollbacks_per_second > 5')
  })

  it('is degraded while a breach has not lasted its duration, and fires once it has', () => {
    const sustained = trigger({ sustainedSeconds: 6 })
    const breached = evaluateHealth([sustained], series([1, 9, 9, 9]))
    expect(breached.health).toBe('DEGRADED')
    expect(breached.triggers[0]).toMatchObject({
      state: 'BREACHED',
      breachedSince: '2026-11-21T10:00:02.000Z',
      firedAt: null,
    })
    expect(breached.reasons[0]).toContain('not yet for long enough')
    const firing = evaluateHealth([sustained], series([1, 9, 9, 9, 9]))
    expect(firing.health).toBe('FAILING')
    expect(firing.triggers[0]).toMatchObject({ state: 'FIRING', firedAt: '2026-11-21T10:00:08.000Z' })
  })

  it('starts the duration again when the condition stops holding in between', () => {
    const report = evaluateHealth([trigger({ sustainedSeconds: 6 })], series([9, 9, 9, 1, 9, 9, 9]))
    expect(report.triggers[0]?.state).toBe('BREACHED')
  })

  it('keeps a streak across failed samples, which measure nothing', () => {
    const report = evaluateHealth([trigger({ sustainedSeconds: 6 })], series([9, 'down', 'down', 9, 9]))
    expect(report.triggers[0]?.state).toBe('FIRING')
    expect(report.health).toBe('FAILING')
  })

  it('starts the duration again after a gap longer than the sampler ever leaves', () => {
    const points: SeriesPoint[] = [
      { at: T0, ok: true, values: { rollbacks_per_second: 9 } },
      { at: T0 + 3_600_000, ok: true, values: { rollbacks_per_second: 9 } },
    ]
    expect(evaluateHealth([trigger({ sustainedSeconds: 60 })], points).triggers[0]?.state).toBe('BREACHED')
  })

  it('remembers a trigger that fired and recovered', () => {
    const report = evaluateHealth([trigger()], series([1, 8, 2]))
    expect(report.health).toBe('DEGRADED')
    expect(report.triggers[0]).toMatchObject({
      state: 'RECOVERED',
      firedAt: '2026-11-21T10:00:02.000Z',
      firedValue: '8 /s',
      value: '2 /s',
    })
    expect(report.reasons[0]).toContain('has recovered')
  })

  it('compares with each comparator', () => {
    const at = (comparator: TriggerInput['comparator'], value: number) =>
      evaluateHealth(
        [trigger({ comparator, metric: 'cache_hit_percent', threshold: 90 })],
        series([value], 'cache_hit_percent'),
      ).health
    expect([at('LT', 89), at('LT', 90), at('LTE', 90), at('GTE', 90), at('GT', 90)]).toEqual([
      'FAILING',
      'HEALTHY',
      'FAILING',
      'FAILING',
      'HEALTHY',
    ])
  })

  it('says when the database cannot be sampled or the samples are stale', () => {
    expect(evaluateHealth([trigger()], series([1, 'down']))).toMatchObject({
      health: 'DEGRADED',
      reasons: [expect.stringContaining('connection refused')],
    })
    const stale = evaluateHealth([], series([1]), { now: T0 + 60_000, staleAfterMs: 10_000 })
    expect(stale).toMatchObject({ health: 'DEGRADED', reasons: ['No sample for 60 s.'] })
    expect(evaluateHealth([], series([1]), { now: T0 + 5_000, staleAfterMs: 10_000 }).health).toBe('HEALTHY')
  })

  it('lists triggers it cannot measure and has no data for metrics never sampled', () => {
    const report = evaluateHealth(
      [
        trigger({ id: 'a', metric: null, comparator: null, threshold: null, text: 'Users complain' }),
        trigger({ id: 'b', metric: 'replication_lag_seconds' }),
      ],
      series([1, 2]),
    )
    expect(report.unmeasurable).toEqual(['Users complain'])
    expect(report.triggers).toMatchObject([{ triggerId: 'b', state: 'NO_DATA', value: null }])
    expect(report.health).toBe('HEALTHY')
  })
})
