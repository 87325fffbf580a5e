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

// Who may validate and keep rules, what is refused and why – each write audited, nothing changed on refusal.
async function setup() {
  const lead = await makeUser('LEAD')
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: 'Validated plan' }))
  const environment = await db.environment.create({ data: { name: `env-${randomUUID().slice(0, 8)}` } })
  const source = await db.connection.create({ data: { environmentId: environment.id, name: 'source', engine: 'SQLITE', role: 'SOURCE', filePath: 'app.db' } })
  const target = await db.connection.create({ data: { environmentId: environment.id, name: 'target', engine: 'POSTGRES', role: 'TARGET', host: '127.0.0.1', port: 5432, database: 'app', username: 'app' } })
  return { lead, planId, environment, source, target }
}

const ask = (planId: string, environmentId: string, tables = '') => ZRequestValidation.parse({ planId, environmentId, tables })

describe('validations on demand', () => {
  it('are queued by leads once both connections are chosen, one at a time per environment, cancellable, audited; stakeholders may only read', async () => {
    const { lead, planId, environment, source, target } = await setup()
    await db.planEnvironment.create({ data: { planId, environmentId: environment.id, targetConnectionId: target.id } })
    await expect(requestValidation(lead, ask(planId, environment.id))).rejects.toThrow(/Choose both the source and the target connection/)
    await db.planEnvironment.update({ where: { planId_environmentId: { planId, environmentId: environment.id } }, data: { sourceConnectionId: source.id } })

    const stakeholder = await makeUser('STAKEHOLDER')
    await expect(requestValidation(stakeholder, ask(planId, environment.id))).rejects.toMatchObject({ code: 'FORBIDDEN' })
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

describe('custom rules and bound criteria', () => {
  it('keeps only one SELECT per rule, names unique per plan, and binds criteria to checks or to the plan’s own rules', async () => {
    const { lead, planId } = await setup()
    const rule = (fields: Partial<{ name: string; sql: string }>) => ZAddRule.parse({ planId, name: 'Emails', sql: 'SELECT 1', severity: 'ERROR', action: 'FAIL', ...fields })
    await expect(addRule(lead, rule({ sql: 'DELETE FROM users' }))).rejects.toMatchObject({ code: 'INVALID', fieldErrors: { sql: [expect.stringMatching(/not a SELECT/)] } })
    await expect(addRule(lead, rule({ sql: 'SELECT 1; SELECT 2' }))).rejects.toThrow(/2 statements/)
    await expect(addRule(lead, rule({ sql: 'SELECT FROM WHERE (' }))).rejects.toThrow(/Syntax error on line 1/)
    expect(await db.validationRule.count({ where: { planId } })).toBe(0)
    const { id: ruleId } = await addRule(lead, rule({ sql: "SELECT id FROM users WHERE email NOT LIKE '%@%';" }))
    expect((await db.validationRule.findUniqueOrThrow({ where: { id: ruleId } })).sql).toBe("SELECT id FROM users WHERE email NOT LIKE '%@%'")
    await expect(addRule(lead, rule({}))).rejects.toThrow(/already has this name/)
    await editRule(lead, { ruleId, name: 'Emails have an @', sql: 'SELECT id FROM users WHERE email IS NULL', severity: 'WARNING', action: 'WARN' })
    const stakeholder = await makeUser('STAKEHOLDER')
    await expect(removeRule(stakeholder, ruleId)).rejects.toMatchObject({ code: 'FORBIDDEN' })

    const { id: criterionId } = await addCriterion(lead, { planId, text: 'Clean data' })
    await bindCriterion(lead, { criterionId, check: `rule:${ruleId}` })
    expect((await validationPage(lead, planId)).criteria[0]).toMatchObject({ binding: `rule:${ruleId}`, bindingLabel: 'rule “Emails have an @” passes' })
    // A rule of another plan cannot be bound.
    const other = await setup()
    const { id: foreignRule } = await addRule(other.lead, ZAddRule.parse({ planId: other.planId, name: 'Other', sql: 'SELECT 1', severity: 'ERROR', action: 'FAIL' }))
    await expect(bindCriterion(lead, { criterionId, check: `rule:${foreignRule}` })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await bindCriterion(lead, { criterionId, check: 'none' })
    expect((await db.successCriterion.findUniqueOrThrow({ where: { id: criterionId } })).binding).toBeNull()
    await removeRule(lead, ruleId)
    expect((await auditEventsFor(ruleId)).map((e) => e.action)).toEqual(['validationRule.create', 'validationRule.update', 'validationRule.delete'])
    expect((await auditEventsFor(criterionId)).map((e) => e.action)).toEqual(['successCriterion.create', 'successCriterion.bind', 'successCriterion.bind'])
  })
})
