import type { Tx } from '@/lib/db'
import { previousEnvironmentOf, promotionRefusal, promotionVerdict, type PromotionRun } from '@/lib/domain/promotion'

// The promotion rule where runs start (startRun). It reads under the plan row's lock that startRun holds: the
// plan's order and its mappings change only through editPlan and its steps only through step edits, which take
// the same lock, and a SUCCEEDED run never changes again – so what is read here is still true when the run is
// created in the same transaction.

type Reader = Pick<Tx, 'planEnvironment' | 'run'>

export const PROMOTION_RUN_SELECT = {
  id: true,
  status: true,
  contentChecksum: true,
  promotionOverrideReason: true,
} as const

/** The plan's environments that runs can happen on (those with a target), in its promotion order. */
export async function promotionOrderOf(client: Pick<Tx, 'planEnvironment'>, planId: string) {
  const rows = await client.planEnvironment.findMany({
    where: { planId, targetConnectionId: { not: null } },
    orderBy: [{ position: 'asc' }, { id: 'asc' }],
    select: { environment: { select: { id: true, name: true, protected: true } } },
  })
  return rows.map((r) => r.environment)
}

/** Non-dry runs of a phase on an environment, newest first. */
export const promotionRunsOf = (client: Pick<Tx, 'run'>, phaseId: string, environmentId: string) =>
  client.run.findMany({
    where: { phaseId, environmentId, dryRun: false },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: PROMOTION_RUN_SELECT,
  }) satisfies Promise<PromotionRun[]>

export type PromotionCheck = { ok: true } | { ok: false; previous: string; reason: string }

/** In startRun's transaction: whether `contentChecksum` of the phase succeeded on the environment before this one. */
export async function checkPromotion(
  tx: Reader,
  input: {
    planId: string
    phase: { id: string; name: string }
    environment: { id: string; name: string }
    contentChecksum: string
  },
): Promise<PromotionCheck> {
  const previous = previousEnvironmentOf(await promotionOrderOf(tx, input.planId), input.environment.id)
  if (!previous) return { ok: true }
  const verdict = promotionVerdict(await promotionRunsOf(tx, input.phase.id, previous.id), input.contentChecksum)
  if (verdict.ok) return { ok: true }
  return {
    ok: false,
    previous: previous.name,
    reason: promotionRefusal(
      { phase: input.phase.name, environment: input.environment.name, previous: previous.name },
      verdict,
      input.contentChecksum,
    ),
  }
}
