import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { addCriterion } from '@/lib/server/plans/register-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZCreatePlan } from '@/lib/server/plans/schemas'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { addRule, bindCriterion, cancelValidation, editRule, removeRule, requestValidation } from './commands'
import { getValidation, validationPage } from './queries'
import { ZAddRule, ZRequestValidation } from './schemas'
import { createEnvironment } from '@/lib/server/connections/commands'
import { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { approveWindow, cancelWindow, requestWindow } from '@/lib/server/windows/commands'
import { ZRequestWindow } from '@/lib/server/windows/schemas'
import { executeValidation } from '@/lib/engine/validations'
import { holdWrite, warmPool } from '@/lib/testing/concurrency'

// Who may validate and keep rules, what is refused and why – each write audited, nothing changed on refusal.
async function setup() {
  const lead = await makeUser('LEAD')
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: 'Validated plan' }))
  const environment = await db.environment.create({ data: { name: `env-${randomUUID().slice(0, 8)}` } })
  const source = await db.connection.create({
    data: { environmentId: environment.id, name: 'source', engine: 'SQLITE', role: 'SOURCE', filePath: 'app.db' },
  })
  const target = await db.connection.create({
    data: {
      environmentId: environment.id,
      name: 'target',
      engine: 'POSTGRES',
      role: 'TARGET',
      host: '127.0.0.1',
      port: 5432,
      database: 'app',
      username: 'app',
    },
  })
  return { lead, planId, environment, source, target }
}

const ask = (planId: string, environmentId: string, tables = '') =>
  ZRequestValidation.parse({ planId, environmentId, tables })

describe('validations on demand', () => {
  it('are queued by leads once both connections are chosen, one at a time per environment, cancellable, audited; stakeholders may only read', async () => {
    const { lead, planId, environment, source, target } = await setup()
    await db.planEnvironment.create({ data: { planId, environmentId: environment.id, targetConnectionId: target.id } })
    await expect(requestValidation(lead, ask(planId, environment.id))).rejects.toThrow(
      /Choose both the source and the target connection/,
    )
    await db.planEnvironment.update({
      where: { planId_environmentId: { planId, environmentId: environment.id } },
      data: { sourceConnectionId: source.id },
    })

    const stakeholder = await makeUser('STAKEHOLDER')
    await expect(requestValidation(stakeholder, ask(planId, environment.id))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    const { id } = await requestValidation(lead, ask(planId, environment.id, 'orders, customers\norders'))
    expect((await db.validation.findUniqueOrThrow({ where: { id } })).tables).toEqual(['orders', 'customers'])
    await expect(requestValidation(lead, ask(planId, environment.id))).rejects.toThrow(/already queued/)
    expect((await auditEventsFor(id)).map((e) => e.action)).toEqual(['validation.request'])

    // Everyone reads it; only those who may validate see a way to cancel.
    expect((await getValidation(stakeholder, id)).canCancel).toBe(false)
    expect((await getValidation(lead, id)).canCancel).toBe(true)
    await expect(getValidation(lead, randomUUID())).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(getValidation(lead, 'not-an-id')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(cancelValidation(stakeholder, id)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await cancelValidation(lead, id)
    expect((await db.validation.findUniqueOrThrow({ where: { id } })).status).toBe('CANCELLED')
    await expect(cancelValidation(lead, id)).rejects.toThrow(/already ended/)
    expect((await validationPage(stakeholder, planId)).history.map((h) => h.status)).toEqual(['CANCELLED'])
  })
})

describe('one validation asked for per plan and environment', () => {
  it('six simultaneous requests queue exactly one validation; the others are told one is under way', async () => {
    const { lead, planId, environment, source, target } = await setup()
    await db.planEnvironment.create({
      data: { planId, environmentId: environment.id, sourceConnectionId: source.id, targetConnectionId: target.id },
    })
    await warmPool()
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => requestValidation(lead, ask(planId, environment.id))),
    )
    const queued = await db.validation.findMany({
      where: { planId, environmentId: environment.id },
      select: { id: true },
    })
    try {
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      for (const r of results.filter((r) => r.status === 'rejected')) {
        expect(r.reason).toMatchObject({
          code: 'CONFLICT',
          message: expect.stringMatching(
            new RegExp(
              `^A validation of “${environment.name}” is already (queued|running|under way); wait for it or cancel it\\.$`,
            ),
          ),
        })
      }
      expect(queued).toHaveLength(1)
      expect(await db.auditEvent.count({ where: { planId, action: 'validation.request' } })).toBe(1)
    } finally {
      for (const v of queued) await cancelValidation(lead, v.id).catch(() => undefined)
    }
  })

  it('a request whose check ran before another one was committed is refused by the database, with the same message', async () => {
    const { lead, planId, environment, source, target } = await setup()
    await db.planEnvironment.create({
      data: { planId, environmentId: environment.id, sourceConnectionId: source.id, targetConnectionId: target.id },
    })
    const held = await holdWrite(
      `INSERT INTO "Validation" ("id", "planId", "environmentId", "requestedById", "tables", "updatedAt") VALUES (gen_random_uuid(), $1, $2, $3, '{}', now())`,
      [planId, environment.id, lead.id],
    )
    const result = await held.whileHeld(() => requestValidation(lead, ask(planId, environment.id)))
    const queued = await db.validation.findMany({
      where: { planId, environmentId: environment.id },
      select: { id: true },
    })
    try {
      expect(result).toMatchObject({
        status: 'rejected',
        reason: {
          code: 'CONFLICT',
          message: expect.stringMatching(
            new RegExp(
              `^A validation of “${environment.name}” is already (queued|running); wait for it or cancel it\\.$`,
            ),
          ),
        },
      })
      expect(queued).toHaveLength(1)
    } finally {
      for (const v of queued) await cancelValidation(lead, v.id).catch(() => undefined)
    }
  })
})

describe('custom rules and bound criteria', () => {
  it('keeps only one SELECT per rule, names unique per plan, and binds criteria to checks or to the plan’s own rules', async () => {
    const { lead, planId } = await setup()
    const rule = (fields: Partial<{ name: string; sql: string }>) =>
      ZAddRule.parse({ planId, name: 'Emails', sql: 'SELECT 1', severity: 'ERROR', action: 'FAIL', ...fields })
    await expect(addRule(lead, rule({ sql: 'DELETE FROM users' }))).rejects.toMatchObject({
      code: 'INVALID',
      fieldErrors: { sql: [expect.stringMatching(/not a SELECT/)] },
    })
    await expect(addRule(lead, rule({ sql: 'SELECT 1; SELECT 2' }))).rejects.toThrow(/2 statements/)
    await expect(addRule(lead, rule({ sql: 'SELECT FROM WHERE (' }))).rejects.toThrow(/Syntax error on line 1/)
    expect(await db.validationRule.count({ where: { planId } })).toBe(0)
    const { id: ruleId } = await addRule(lead, rule({ sql: "SELECT id FROM users WHERE email NOT LIKE '%@%';" }))
    expect((await db.validationRule.findUniqueOrThrow({ where: { id: ruleId } })).sql).toBe(
      "SELECT id FROM users WHERE email NOT LIKE '%@%'",
    )
    await expect(addRule(lead, rule({}))).rejects.toThrow(/already has this name/)
    await editRule(lead, {
      ruleId,
      name: 'Emails have an @',
      sql: 'SELECT id FROM users WHERE email IS NULL',
      severity: 'WARNING',
      action: 'WARN',
    })
    const stakeholder = await makeUser('STAKEHOLDER')
    await expect(removeRule(stakeholder, ruleId)).rejects.toMatchObject({ code: 'FORBIDDEN' })

    const { id: criterionId } = await addCriterion(lead, { planId, text: 'Clean data' })
    await bindCriterion(lead, { criterionId, check: `rule:${ruleId}` })
    expect((await validationPage(lead, planId)).criteria[0]).toMatchObject({
      binding: `rule:${ruleId}`,
      bindingLabel: 'rule “Emails have an @” passes',
    })
    // A rule of another plan cannot be bound.
    const other = await setup()
    const { id: foreignRule } = await addRule(
      other.lead,
      ZAddRule.parse({ planId: other.planId, name: 'Other', sql: 'SELECT 1', severity: 'ERROR', action: 'FAIL' }),
    )
    await expect(bindCriterion(lead, { criterionId, check: `rule:${foreignRule}` })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    await bindCriterion(lead, { criterionId, check: 'none' })
    expect((await db.successCriterion.findUniqueOrThrow({ where: { id: criterionId } })).binding).toBeNull()
    await removeRule(lead, ruleId)
    expect((await auditEventsFor(ruleId)).map((e) => e.action)).toEqual([
      'validationRule.create',
      'validationRule.update',
      'validationRule.delete',
    ])
    expect((await auditEventsFor(criterionId)).map((e) => e.action)).toEqual([
      'successCriterion.create',
      'successCriterion.bind',
      'successCriterion.bind',
    ])
  })

  it('a rule only reads: no volatile function, no SELECT INTO, no row locks, no data-modifying WITH', async () => {
    const { lead, planId } = await setup()
    const add = (sql: string) =>
      addRule(
        lead,
        ZAddRule.parse({ planId, name: `Rule ${randomUUID().slice(0, 8)}`, sql, severity: 'ERROR', action: 'FAIL' }),
      )
    const refused = async (sql: string, message: RegExp) =>
      expect(add(sql)).rejects.toMatchObject({
        code: 'INVALID',
        fieldErrors: { sql: [expect.stringMatching(message)] },
      })
    await refused(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'app'",
      /the volatile function pg_terminate_backend\(\)/,
    )
    await refused("SELECT * FROM orders WHERE id > pg_catalog.nextval('orders_id_seq')", /pg_catalog\.nextval\(\)/)
    await refused(
      'SELECT pg_sleep(10), pg_cancel_backend(1)',
      /the volatile functions pg_sleep\(\), pg_cancel_backend\(\)/,
    )
    await refused('SELECT * INTO stolen FROM orders', /SELECT … INTO creates a table/)
    await refused('SELECT * FROM orders FOR UPDATE', /FOR UPDATE \/ FOR SHARE lock rows/)
    await refused('WITH gone AS (DELETE FROM orders RETURNING *) SELECT * FROM gone', /its WITH “gone” is a DELETE/)
    expect(await db.validationRule.count({ where: { planId } })).toBe(0)
    // Reading functions are fine: stable and immutable ones, aggregates.
    await add(
      'SELECT id FROM customers WHERE lower(email) <> email OR created_at > now() OR length(name) = 0 GROUP BY id HAVING count(*) > 1',
    )
    expect(await db.validationRule.count({ where: { planId } })).toBe(1)
  })

  it('on a plan that runs on a protected environment: rules are a DBA’s to change, validations follow the rules of a run there', async () => {
    const { lead, planId, source, target } = await setup()
    const dba = await makeUser('DBA')
    const { id: ruleId } = await addRule(
      lead,
      ZAddRule.parse({ planId, name: 'Orphans', sql: 'SELECT 1 WHERE false', severity: 'ERROR', action: 'FAIL' }),
    )
    const name = `prod-${randomUUID().slice(0, 8)}`
    const { id: environmentId } = await createEnvironment(dba, { name, description: '', protected: true })
    await db.connection.updateMany({ where: { id: { in: [source.id, target.id] } }, data: { environmentId } })
    // Bringing the plan's rules to production is a DBA's decision.
    await expect(
      setPlanEnvironment(lead, { planId, environmentId, sourceConnectionId: source.id, targetConnectionId: target.id }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await setPlanEnvironment(dba, {
      planId,
      environmentId,
      sourceConnectionId: source.id,
      targetConnectionId: target.id,
    })
    const rule = ZAddRule.parse({
      planId,
      name: 'Read production',
      sql: 'SELECT * FROM customers',
      severity: 'ERROR',
      action: 'FAIL',
    })
    await expect(addRule(lead, rule)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining(`they run on the protected environment “${name}”`),
    })
    await expect(
      editRule(lead, { ruleId, name: 'Orphans', sql: 'SELECT * FROM customers', severity: 'ERROR', action: 'FAIL' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(removeRule(lead, ruleId)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    expect(await db.validationRule.findMany({ where: { planId }, select: { name: true, sql: true } })).toEqual([
      { name: 'Orphans', sql: 'SELECT 1 WHERE false' },
    ])
    await addRule(dba, rule)

    await expect(requestValidation(lead, ask(planId, environmentId))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('Only a DBA can validate on the protected environment'),
    })
    await expect(requestValidation(dba, ask(planId, environmentId))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('a validation there needs an approved maintenance window for the plan'),
    })
    const window = await requestWindow(
      lead,
      ZRequestWindow.parse({
        environmentId,
        planId,
        reason: 'verify',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    )
    await approveWindow(dba, { windowId: window.id, note: '', confirm: name })
    await db.user.update({ where: { id: dba.id }, data: { secondFactorAt: new Date(Date.now() - 3_600_000) } })
    await expect(requestValidation(dba, ask(planId, environmentId))).rejects.toMatchObject({ code: 'REAUTHENTICATE' })
    expect(await db.validation.count({ where: { planId } })).toBe(0)
    await db.user.update({ where: { id: dba.id }, data: { secondFactorAt: new Date() } })
    const { id } = await requestValidation(dba, ask(planId, environmentId))
    // The window closes before a worker gets to it: the worker refuses too.
    await cancelWindow(dba, window.id)
    await db.validation.update({ where: { id }, data: { status: 'RUNNING', workerId: 'test' } })
    expect(await executeValidation(id)).toBe('ERROR')
    expect((await db.validation.findUniqueOrThrow({ where: { id } })).error).toContain(
      'a validation there needs an approved maintenance window',
    )
  })
})
