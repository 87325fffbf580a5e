import 'server-only'
import { db } from '@/lib/db'
import { promotionRow, shortChecksum, type PromotionCell, type PromotionRun } from '@/lib/domain/promotion'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { ZId } from '@/lib/server/fields'
import { phaseChecksum } from '@/lib/server/step-content'
import { RUN_STEPS } from './content'
import { PROMOTION_RUN_SELECT, promotionOrderOf } from './promotion'

export type PromotionGridDTO = {
  /** The plan's environments with a target, in its promotion order. */
  environments: { id: string; name: string; protected: boolean }[]
  phases: {
    id: string
    name: string
    /** The phase's current content, as a run would be queued with it (short). */
    checksum: string
    cells: PromotionCell[]
  }[]
}

/**
 * Everyone who reads the plan: each phase × environment's latest (non-dry) run with the checksum that ran, whether
 * the phase changed since, and whether promotion blocks it – states, checksums and environment names only.
 */
export async function getPromotionGridForViewer(actor: UserActor, planId: string): Promise<PromotionGridDTO> {
  assertCan(actor, 'plan:read')
  assertCan(actor, 'run:read')
  if (!ZId.safeParse(planId).success) return { environments: [], phases: [] }
  const [environments, phases, runs] = await Promise.all([
    promotionOrderOf(db, planId),
    db.phase.findMany({
      where: { planId },
      orderBy: { position: 'asc' },
      select: {
        id: true,
        name: true,
        steps: { ...RUN_STEPS, select: { kind: true, body: true, rollbackBody: true, config: true } },
      },
    }),
    db.run.findMany({
      where: { planId, dryRun: false },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { ...PROMOTION_RUN_SELECT, phaseId: true, environmentId: true },
    }),
  ])
  const byCell = new Map<string, PromotionRun[]>()
  for (const run of runs) {
    const key = `${run.phaseId}:${run.environmentId}`
    const list = byCell.get(key)
    if (list) list.push(run)
    else byCell.set(key, [run])
  }
  return {
    environments,
    phases: phases.map((phase) => {
      const checksum = phaseChecksum(phase.steps)
      return {
        id: phase.id,
        name: phase.name,
        checksum: shortChecksum(checksum),
        cells: promotionRow(
          environments,
          checksum,
          (environmentId) => byCell.get(`${phase.id}:${environmentId}`) ?? [],
        ),
      }
    }),
  }
}
