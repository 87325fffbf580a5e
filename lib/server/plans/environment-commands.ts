import type { UserActor } from '@/lib/server/actor'
import { assertCanInTx } from '@/lib/server/authorize'
import { DomainError, invalid, notFound } from '@/lib/server/errors'
import { editPlan, nextPosition } from './edit-plan'
import { reorder } from './rules'
import type { TMovePlanEnvironment, TSetPlanEnvironment } from './schemas'

/** Leads, DBAs and admins: which connections the plan copies from and to in one environment. */
export async function setPlanEnvironment(actor: UserActor, input: TSetPlanEnvironment): Promise<{ id: string }> {
  return editPlan(actor, input.planId, async ({ tx, plan, audit }) => {
    const environment = await tx.environment.findUnique({
      where: { id: input.environmentId },
      include: { connections: { select: { id: true, name: true, role: true } } },
    })
    if (!environment) throw notFound('Environment')
    const pick = (id: string | null, role: 'SOURCE' | 'TARGET', field: string) => {
      if (!id) return null
      const c = environment.connections.find((x) => x.id === id)
      if (!c)
        throw invalid('Please correct the highlighted fields.', {
          [field]: [`Choose a connection of “${environment.name}”.`],
        })
      if (c.role !== role)
        throw invalid('Please correct the highlighted fields.', {
          [field]: [`“${c.name}” is a ${c.role.toLowerCase()} connection.`],
        })
      return c
    }
    const source = pick(input.sourceConnectionId, 'SOURCE', 'sourceConnectionId')
    const target = pick(input.targetConnectionId, 'TARGET', 'targetConnectionId')
    const before = await tx.planEnvironment.findUnique({
      where: { planId_environmentId: { planId: plan.id, environmentId: environment.id } },
    })
    // The plan's validation rules will run on it: bringing them to a protected environment is a DBA's decision,
    // as changing them there is (lib/server/validations/commands.ts).
    if (environment.protected && !before && (await tx.validationRule.count({ where: { planId: plan.id } })) > 0) {
      await assertCanInTx(tx, actor, 'run:start-protected').catch(() => {
        throw new DomainError(
          'FORBIDDEN',
          `Only a DBA can add the protected environment “${environment.name}” to a plan with validation rules: they would run there.`,
        )
      })
    }
    const row = await tx.planEnvironment.upsert({
      where: { planId_environmentId: { planId: plan.id, environmentId: environment.id } },
      create: {
        planId: plan.id,
        // A newly given environment comes last in the promotion order.
        position: nextPosition(
          await tx.planEnvironment.aggregate({ where: { planId: plan.id }, _max: { position: true } }),
        ),
        environmentId: environment.id,
        sourceConnectionId: source?.id ?? null,
        targetConnectionId: target?.id ?? null,
      },
      update: { sourceConnectionId: source?.id ?? null, targetConnectionId: target?.id ?? null },
    })
    await audit({
      action: 'plan.environment',
      entityType: 'PlanEnvironment',
      entityId: row.id,
      before: before ? { source: before.sourceConnectionId, target: before.targetConnectionId } : null,
      after: { environment: environment.name, source: source?.name ?? null, target: target?.name ?? null },
    })
    return { id: row.id }
  })
}

/**
 * Leads, DBAs and admins: moves an environment of the plan one place up or down in its promotion order (a phase
 * runs on an environment only after it succeeded on the one before it).
 */
export async function movePlanEnvironment(actor: UserActor, input: TMovePlanEnvironment): Promise<{ id: string }> {
  return editPlan(actor, input.planId, async ({ tx, plan, audit }) => {
    const rows = await tx.planEnvironment.findMany({
      where: { planId: plan.id },
      orderBy: [{ position: 'asc' }, { id: 'asc' }],
      select: { id: true, environmentId: true, environment: { select: { name: true } } },
    })
    const from = rows.findIndex((r) => r.environmentId === input.environmentId)
    if (from < 0) throw notFound('Environment')
    const moved = rows[from]
    const next = reorder(rows, from, input.direction === 'up' ? -1 : 1)
    if (!moved || next.every((r, i) => r.id === rows[i]?.id)) return { id: input.environmentId }
    await Promise.all(next.map((r, position) => tx.planEnvironment.update({ where: { id: r.id }, data: { position } })))
    await audit({
      action: 'plan.environment.move',
      entityType: 'PlanEnvironment',
      entityId: moved.id,
      before: { order: rows.map((r) => r.environment.name) },
      after: { order: next.map((r) => r.environment.name) },
    })
    return { id: input.environmentId }
  })
}
