import 'server-only'
import { db } from '@/lib/db'

// The demo application of `npm start`: it writes to the HomeVerse file while the demo plan's sync follows it,
// and stops – as an application put into maintenance mode – once a run of the cutover phase has begun.

/** Whether the demo application writes now (no person: read by the demo application's process). */
export async function demoApplicationWrites(planTitle: string): Promise<boolean> {
  const plan = await db.plan.findFirst({ where: { title: planTitle }, select: { id: true } })
  if (!plan) return false
  const sync = await db.sync.findFirst({
    where: { planId: plan.id, status: 'FOLLOWING', direction: 'FORWARD' },
    select: { environmentId: true },
  })
  if (!sync) return false
  const cutover = await db.run.findFirst({
    where: {
      planId: plan.id,
      environmentId: sync.environmentId,
      status: { in: ['QUEUED', 'RUNNING', 'WAITING'] },
      phase: { steps: { some: { kind: 'CUTOVER', removedAt: null } } },
    },
    select: { id: true },
  })
  return !cutover
}
