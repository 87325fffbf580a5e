import { respond } from '@/lib/api/respond'
import { requireActor } from '@/lib/auth/current-user'
import { listSyncs } from '@/lib/server/syncs/queries'
import { ZId } from '@/lib/server/fields'
import { notFound } from '@/lib/server/errors'

export const dynamic = 'force-dynamic'

/** The plan page's live view of its syncs polls this (reads never go through server actions). */
export async function GET(_request: Request, { params }: { params: Promise<{ planId: string }> }) {
  return respond(async () => {
    const { planId } = await params
    if (!ZId.safeParse(planId).success) throw notFound('Plan')
    return listSyncs(await requireActor('run:read'), { planId })
  })
}
