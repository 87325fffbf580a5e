import type { Tx } from '@/lib/db'
import { approversOf, notify } from './notify'
import { noticeBody, runFailedTitle } from './rules'

/**
 * For the engine, in the transaction that ends the run: tells its requester, its plan's owner and every
 * DBA and admin (who resolve failed runs) that it failed or could not be rolled back.
 */
export async function notifyRunFailed(
  tx: Tx,
  runId: string,
  status: 'FAILED' | 'ROLLBACK_FAILED',
  error: string | null,
): Promise<number> {
  const run = await tx.run.findUniqueOrThrow({
    where: { id: runId },
    select: {
      dryRun: true,
      requestedById: true,
      planId: true,
      plan: { select: { ownerId: true } },
      phase: { select: { name: true } },
      environment: { select: { name: true } },
    },
  })
  return notify(tx, [run.requestedById, run.plan.ownerId, ...(await approversOf(tx, null))], {
    kind: 'RUN_FAILED',
    title: runFailedTitle(
      { dryRun: run.dryRun, phaseName: run.phase.name, environmentName: run.environment.name },
      status,
    ),
    body: noticeBody(error),
    href: `/runs/${runId}`,
    planId: run.planId,
  })
}
