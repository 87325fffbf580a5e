import { respond } from '@/lib/api/respond'
import { requireActor } from '@/lib/auth/current-user'
import { getConnectionMonitor, MONITOR_MINUTES } from '@/lib/server/monitoring/queries'

export const dynamic = 'force-dynamic'

/** The connection's monitoring view polls this; each poll keeps the worker sampling the connection. */
export async function GET(request: Request, { params }: { params: Promise<{ connectionId: string }> }) {
  const asked = Number(new URL(request.url).searchParams.get('minutes'))
  const minutes = MONITOR_MINUTES.find((m) => m === asked) ?? MONITOR_MINUTES[1]
  return respond(async () =>
    getConnectionMonitor(await requireActor('connection:read'), (await params).connectionId, minutes),
  )
}
