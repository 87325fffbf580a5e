import 'server-only'
import { db, Prisma, type Tx } from '@/lib/db'
import { parseRuleQuery, volatileFunctionsOf, volatileRefusal } from '@/lib/targets/sql/rule-query'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCanInTx } from '@/lib/server/authorize'
import { DomainError, conflict, invalid, notFound } from '@/lib/server/errors'
import { SCOPED_WINDOWS } from '@/lib/server/runs/content'
import { assertRecentSecondFactorInTx, reauthenticate } from '@/lib/server/users/reauthenticate'
import { mayWorkOnPlan } from '@/lib/server/windows/rules'
import { ZId } from '@/lib/server/fields'
import { editPlan, nextPosition, planIdOf } from '@/lib/server/plans/edit-plan'
import { refuseOnViolation } from '@/lib/server/unique-index'
import type { TAddRule, TBindCriterion, TEditRule, TRequestValidation } from './schemas'
import { transitionValidation } from './transition'
import { ACTIVE_VALIDATION_STATES } from '@/lib/domain/states/validation'

// Validations on demand, custom rules and criteria bindings. A validation runs the plan's custom rules – code
// its editors wrote – on the target, so on a protected environment it follows the rules of a run there: a
// DBA, an approved window for the plan active now (the worker checks again), a fresh second factor. Rules
// themselves are checked SELECTs (lib/targets/sql/rule-query.ts), and on a plan that runs on a
// protected environment only a DBA may change them. The worker runs validations (lib/engine/validations.ts).

// One validation asked for per plan and environment at a time (a validate step's belongs to its run): checked
// to say which one is in the way, and held by the partial unique index below when two requests check at once.
const ONE_REQUESTED_INDEX = 'Validation_one_requested_per_plan_environment'

const busyRefusal = (environmentName: string, status: string | null) =>
  conflict(
    `A validation of “${environmentName}” is already ${status === 'RUNNING' ? 'running' : status === 'QUEUED' ? 'queued' : 'under way'}; wait for it or cancel it.`,
  )

/** After the index refused a request: the check's refusal, read now. */
async function requestedRefusal(planId: string, environmentId: string) {
  const [environment, busy] = await Promise.all([
    db.environment.findUnique({ where: { id: environmentId }, select: { name: true } }),
    db.validation.findFirst({
      where: { planId, environmentId, stepRunId: null, status: { in: [...ACTIVE_VALIDATION_STATES] } },
      select: { status: true },
    }),
  ])
  return busyRefusal(environment?.name ?? 'this environment', busy?.status ?? null)
}

export async function requestValidation(
  actor: UserActor,
  input: TRequestValidation,
  now = new Date(),
): Promise<{ id: string }> {
  if (input.code) await reauthenticate(actor, input.code, now.getTime())
  return refuseOnViolation(
    ONE_REQUESTED_INDEX,
    () => requestInTx(actor, input, now),
    () => requestedRefusal(input.planId, input.environmentId),
  )
}

function requestInTx(actor: UserActor, input: TRequestValidation, now: Date): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'run:start')
    const plan = await tx.plan.findUnique({ where: { id: input.planId } })
    if (!plan) throw notFound('Plan')
    if (plan.status === 'ARCHIVED') throw conflict('This plan is archived; restore it to validate it.')
    const mapping = await tx.planEnvironment.findUnique({
      where: { planId_environmentId: { planId: plan.id, environmentId: input.environmentId } },
      include: { environment: { include: { windows: SCOPED_WINDOWS(now) } } },
    })
    if (!mapping) throw notFound('Environment')
    const environment = mapping.environment
    if (environment.protected) {
      await assertCanInTx(tx, actor, 'run:start-protected').catch(() => {
        throw new DomainError(
          'FORBIDDEN',
          `Only a DBA can validate on the protected environment “${environment.name}”: a validation runs the plan's rules there.`,
        )
      })
      const permission = mayWorkOnPlan(environment, environment.windows, now, plan.id, 'a validation')
      if (!permission.allowed) throw conflict(permission.reason)
    }
    if (!mapping.sourceConnectionId || !mapping.targetConnectionId)
      throw conflict(
        `Choose both the source and the target connection of “${mapping.environment.name}” for this plan first (plan page → Environments).`,
      )
    const busy = await tx.validation.findFirst({
      where: { planId: plan.id, environmentId: mapping.environmentId, status: { in: [...ACTIVE_VALIDATION_STATES] } },
    })
    if (busy) throw busyRefusal(mapping.environment.name, busy.status)
    if (environment.protected)
      await assertRecentSecondFactorInTx(tx, actor, `validate on “${environment.name}”`, now.getTime())
    const validation = await tx.validation.create({
      data: {
        planId: plan.id,
        environmentId: mapping.environmentId,
        requestedById: actor.id,
        tables: input.tables,
        maxSamples: input.maxSamples,
        maxDifferences: input.maxDifferences,
      },
    })
    await recordAudit(tx, actor, {
      action: 'validation.request',
      entityType: 'Validation',
      entityId: validation.id,
      planId: plan.id,
      after: { environment: mapping.environment.name, tables: input.tables },
    })
    return { id: validation.id }
  })
}

export async function cancelValidation(actor: UserActor, validationId: string): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'run:start')
    if (!ZId.safeParse(validationId).success) throw notFound('Validation')
    // Locked so a worker's claim (which skips locked rows) cannot start it between the check and the write.
    await tx.$queryRaw`SELECT "id" FROM "Validation" WHERE "id" = ${validationId}::uuid FOR UPDATE`
    const validation = await tx.validation.findUnique({ where: { id: validationId } })
    if (!validation) throw notFound('Validation')
    if (validation.status !== 'QUEUED' && validation.status !== 'RUNNING')
      throw conflict('This validation has already ended.')
    // A queued one ends now; a running one stops at its next table or segment.
    if (validation.status === 'QUEUED')
      await transitionValidation(tx, validationId, 'QUEUED', 'CANCELLED', {
        finishedAt: new Date(),
        cancelRequested: true,
      })
    else await tx.validation.update({ where: { id: validationId }, data: { cancelRequested: true } })
    await recordAudit(tx, actor, {
      action: 'validation.cancel',
      entityType: 'Validation',
      entityId: validationId,
      planId: validation.planId,
      before: { status: validation.status },
    })
    return { id: validationId }
  })
}

/**
 * The rule's query as it is kept: one checked SELECT, calling no function PostgreSQL's catalog marks volatile
 * (read here from Lockstep's own server, which knows the built-in ones; the target's catalog is read again
 * before every run of the rule, for the functions only it has).
 */
async function checkedQuery(sql: string): Promise<string> {
  const refuse = (message: string) => invalid(message, { sql: [message] })
  const query = await parseRuleQuery(sql).catch((error: Error) => {
    throw refuse(error.message)
  })
  const volatile = await volatileFunctionsOf(query, (text, params) => db.$queryRawUnsafe(text, ...params))
  if (volatile.length) throw refuse(volatileRefusal(volatile))
  return query.sql
}

/** On a plan that runs on a protected environment, its rules run there: only a DBA may change them. */
async function assertMayChangeRules(tx: Tx, actor: UserActor, planId: string): Promise<void> {
  const guarded = await tx.planEnvironment.findFirst({
    where: { planId, environment: { protected: true } },
    include: { environment: { select: { name: true } } },
  })
  if (!guarded) return
  await assertCanInTx(tx, actor, 'run:start-protected').catch(() => {
    throw new DomainError(
      'FORBIDDEN',
      `Only a DBA can change the validation rules of this plan: they run on the protected environment “${guarded.environment.name}”.`,
    )
  })
}

export async function addRule(actor: UserActor, input: TAddRule): Promise<{ id: string }> {
  const sql = await checkedQuery(input.sql)
  return editPlan(actor, input.planId, async ({ tx, plan, audit }) => {
    await assertMayChangeRules(tx, actor, plan.id)
    if (await tx.validationRule.findFirst({ where: { planId: plan.id, name: input.name } }))
      throw invalid('A rule of this plan already has this name.', {
        name: ['A rule of this plan already has this name.'],
      })
    const position = nextPosition(
      await tx.validationRule.aggregate({ where: { planId: plan.id }, _max: { position: true } }),
    )
    const rule = await tx.validationRule.create({
      data: { planId: plan.id, position, name: input.name, sql, severity: input.severity, action: input.action },
    })
    await audit({
      action: 'validationRule.create',
      entityType: 'ValidationRule',
      entityId: rule.id,
      after: { name: rule.name, sql, severity: rule.severity, action: rule.action },
    })
    return { id: rule.id }
  })
}

export async function editRule(actor: UserActor, input: TEditRule): Promise<{ id: string }> {
  const sql = await checkedQuery(input.sql)
  return editPlan(actor, await planIdOf('rule', input.ruleId), async ({ tx, plan, audit }) => {
    const before = await tx.validationRule.findFirst({ where: { id: input.ruleId, planId: plan.id } })
    if (!before) throw notFound('Rule')
    await assertMayChangeRules(tx, actor, plan.id)
    if (await tx.validationRule.findFirst({ where: { planId: plan.id, name: input.name, id: { not: before.id } } }))
      throw invalid('A rule of this plan already has this name.', {
        name: ['A rule of this plan already has this name.'],
      })
    await tx.validationRule.update({
      where: { id: before.id },
      data: { name: input.name, sql, severity: input.severity, action: input.action },
    })
    await audit({
      action: 'validationRule.update',
      entityType: 'ValidationRule',
      entityId: before.id,
      before: { name: before.name, sql: before.sql, severity: before.severity, action: before.action },
      after: { name: input.name, sql, severity: input.severity, action: input.action },
    })
    return { id: before.id }
  })
}

export async function removeRule(actor: UserActor, ruleId: string): Promise<{ id: string }> {
  return editPlan(actor, await planIdOf('rule', ruleId), async ({ tx, plan, audit }) => {
    const rule = await tx.validationRule.findFirst({ where: { id: ruleId, planId: plan.id } })
    if (!rule) throw notFound('Rule')
    await assertMayChangeRules(tx, actor, plan.id)
    await tx.validationRule.delete({ where: { id: rule.id } })
    await audit({
      action: 'validationRule.delete',
      entityType: 'ValidationRule',
      entityId: rule.id,
      before: { name: rule.name, sql: rule.sql },
    })
    return { id: rule.id }
  })
}

/** Binds a success criterion to a check (or unbinds it): from the next validation on, its status follows the results. */
export async function bindCriterion(actor: UserActor, input: TBindCriterion): Promise<{ id: string }> {
  return editPlan(actor, await planIdOf('criterion', input.criterionId), async ({ tx, plan, audit }) => {
    const criterion = await tx.successCriterion.findFirst({ where: { id: input.criterionId, planId: plan.id } })
    if (!criterion) throw notFound('Success criterion')
    let binding: { check: string; ruleId?: string } | null = null
    if (input.check.startsWith('rule:')) {
      const rule = await tx.validationRule.findFirst({ where: { id: input.check.slice(5), planId: plan.id } })
      if (!rule) throw notFound('Rule')
      binding = { check: 'rule', ruleId: rule.id }
    } else if (input.check !== 'none') binding = { check: input.check }
    // A new binding starts undecided: the next validation decides it.
    await tx.successCriterion.update({
      where: { id: criterion.id },
      data: { binding: binding ?? Prisma.DbNull, evidenceId: null, evaluatedAt: null },
    })
    await audit({
      action: 'successCriterion.bind',
      entityType: 'SuccessCriterion',
      entityId: criterion.id,
      before: { binding: criterion.binding },
      after: { binding },
    })
    return { id: criterion.id }
  })
}
