import { respond } from '@/lib/api/respond'
import { requireActor } from '@/lib/auth/current-user'
import { getPlanRecovery } from '@/lib/server/backups/recovery'

export const dynamic = 'force-dynamic'

/** The plan page polls this while a restore or a rehearsal is under way. */
export async function GET(_request: Request, { params }: { params: Promise<{ planId: string }> }) {
  const { planId } = await params
  return respond(async () => getPlanRecovery(await requireActor('plan:read'), planId))
}
