import { respond } from '@/lib/api/respond'
import { requireActor } from '@/lib/auth/current-user'
import { getInspection } from '@/lib/server/inspections/queries'

export const dynamic = 'force-dynamic'

/** A read of the plan's source, polled by the mapping editor that asked for it. */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ planId: string; inspectionId: string }> },
) {
  const { planId, inspectionId } = await params
  return respond(async () => getInspection(await requireActor('plan:edit'), planId, inspectionId))
}
