import { respond } from '@/lib/api/respond'
import { requireActor } from '@/lib/auth/current-user'
import { getRun } from '@/lib/server/runs/queries'

export const dynamic = 'force-dynamic'

/** The live run view polls this (reads never go through server actions). */
export async function GET(_request: Request, { params }: { params: Promise<{ runId: string }> }) {
  return respond(async () => getRun(await requireActor('run:read'), (await params).runId))
}
