import { describe, expect, it } from 'vitest'
import { ZAddCopyStep, ZAddItem, ZAddPhase, ZAddTrigger, ZAddValidateStep, ZCreatePlan } from './schemas'

const PLAN_ID = '0190a000-0000-7000-8000-000000000001'

function fieldErrors(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return Object.fromEntries((result.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]))
}

describe('plan input', () => {
  it('refuses empty and 100 kB titles and unknown statuses, field by field', () => {
    expect(fieldErrors(ZCreatePlan.safeParse({ title: '   ' }))).toEqual({ title: 'Enter a title.' })
    expect(fieldErrors(ZCreatePlan.safeParse({ title: 'x'.repeat(100_000) }))).toEqual({
      title: 'Use at most 200 characters.',
    })
    expect(fieldErrors(ZCreatePlan.safeParse({ title: 'ok', status: 'DONE' }))).toEqual({ status: 'Choose a status.' })
    expect(fieldErrors(ZCreatePlan.safeParse({ title: 'ok', startDate: '2026-13-45' }))).toEqual({
      startDate: 'Enter a date as YYYY-MM-DD.',
    })
  })

  it('accepts a form with blank optional fields', () => {
    expect(ZCreatePlan.parse({ title: ' Move to PG ', startDate: '' })).toMatchObject({
      title: 'Move to PG',
      startDate: null,
      status: 'DRAFT',
    })
  })
})

describe('phase input', () => {
  it('refuses dates out of order on the end field', () => {
    const result = ZAddPhase.safeParse({
      planId: PLAN_ID,
      name: 'Cutover',
      plannedStart: '2026-12-10',
      plannedEnd: '2026-12-01',
    })
    expect(fieldErrors(result)).toEqual({ plannedEnd: 'The end must not be before the start.' })
  })
})

describe('checklist item input', () => {
  it('needs exactly one home', () => {
    expect(ZAddItem.safeParse({ text: 'Back up', phaseId: '', checklistId: '' }).success).toBe(false)
    expect(ZAddItem.safeParse({ text: 'Back up', phaseId: PLAN_ID, checklistId: PLAN_ID }).success).toBe(false)
    expect(ZAddItem.parse({ text: 'Back up', phaseId: PLAN_ID, isRequired: 'on' })).toMatchObject({
      isRequired: true,
      checklistId: null,
    })
  })
})

describe('rollback trigger input', () => {
  it('takes a complete measurable condition or none', () => {
    expect(
      ZAddTrigger.parse({
        planId: PLAN_ID,
        text: 'Error rate above 5%',
        metric: 'error_rate_percent',
        comparator: 'GT',
        threshold: '5',
      }),
    ).toMatchObject({ threshold: 5 })
    expect(
      ZAddTrigger.parse({ planId: PLAN_ID, text: 'Data loss', metric: '', comparator: '', threshold: '' }),
    ).toMatchObject({ metric: null })
    expect(
      fieldErrors(
        ZAddTrigger.safeParse({
          planId: PLAN_ID,
          text: 'x',
          metric: 'error_rate_percent',
          comparator: '',
          threshold: '',
        }),
      ),
    ).toEqual({
      metric: 'A measurable condition needs a metric, a comparison and a threshold.',
    })
    expect(
      fieldErrors(
        ZAddTrigger.safeParse({ planId: PLAN_ID, text: 'x', metric: 'latency', comparator: 'GT', threshold: '1' }),
      ),
    ).toEqual({ metric: 'Choose a metric Lockstep measures.' })
    expect(
      ZAddTrigger.parse({
        planId: PLAN_ID,
        text: 'x',
        metric: 'rollbacks_per_second',
        comparator: 'GT',
        threshold: '5',
        sustainedSeconds: '30',
      }),
    ).toMatchObject({ sustainedSeconds: 30 })
    expect(fieldErrors(ZAddTrigger.safeParse({ planId: PLAN_ID, text: 'x', sustainedSeconds: '-1' }))).toEqual({
      sustainedSeconds: 'Enter 0 or more seconds.',
    })
  })
})

describe('copy and validate step input', () => {
  const PHASE_ID = '0190a000-0000-7000-8000-000000000002'
  it('reads the schemas of a PostgreSQL source one per line or comma-separated, and none when the form leaves them out', () => {
    expect(
      ZAddCopyStep.parse({
        phaseId: PHASE_ID,
        name: 'Copy',
        tables: 'sales.orders\nnote',
        schemas: 'sales, crm\n\nsales',
        mode: 'create',
        reload: '',
      }),
    ).toMatchObject({ tables: ['sales.orders', 'note'], schemas: ['sales', 'crm'] })
    expect(
      ZAddCopyStep.parse({ phaseId: PHASE_ID, name: 'Copy', tables: '', mode: 'create', reload: '' }),
    ).toMatchObject({ schemas: [] })
    expect(
      ZAddValidateStep.parse({ phaseId: PHASE_ID, name: 'Validate', tables: '', schemas: 'crm', integrity: 'on' }),
    ).toMatchObject({ schemas: ['crm'] })
    expect(
      fieldErrors(
        ZAddCopyStep.safeParse({
          phaseId: PHASE_ID,
          name: 'Copy',
          tables: '',
          schemas: 'x'.repeat(64),
          mode: 'create',
          reload: '',
        }),
      ),
    ).toEqual({ 'schemas.0': 'Schema names have at most 63 characters.' })
  })
})
