import { respond } from '@/lib/api/respond'
import { requireActor } from '@/lib/auth/current-user'
import { getConnectionDrift } from '@/lib/server/drift/queries'

export const dynamic = 'force-dynamic'

/** The drift view polls this while a check is queued or running. */
export async function GET(_request: Request, { params }: { params: Promise<{ connectionId: string }> }) {
  return respond(async () => getConnectionDrift(await requireActor('connection:read'), (await params).connectionId))
}
