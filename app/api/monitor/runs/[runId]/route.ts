import { respond } from '@/lib/api/respond'
import { requireActor } from '@/lib/auth/current-user'
import { getRunMonitor } from '@/lib/server/monitoring/queries'

export const dynamic = 'force-dynamic'

/** The run's monitoring view polls this. */
export async function GET(_request: Request, { params }: { params: Promise<{ runId: string }> }) {
  return respond(async () => getRunMonitor(await requireActor('run:read'), (await params).runId))
}
