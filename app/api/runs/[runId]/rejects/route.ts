import { respond } from '@/lib/api/respond'
import { requireActor } from '@/lib/auth/current-user'
import { listCopyRejects } from '@/lib/server/runs/rejects'

export const dynamic = 'force-dynamic'

/** A copy step's rejected rows: ?step=STEP_RUN_ID[&table=…][&column=…][&offset=N]. */
export async function GET(request: Request, { params }: { params: Promise<{ runId: string }> }) {
  const search = new URL(request.url).searchParams
  return respond(async () =>
    listCopyRejects(await requireActor('run:read'), (await params).runId, {
      step: search.get('step'),
      table: search.get('table'),
      column: search.get('column'),
      offset: Number(search.get('offset') ?? 0) || 0,
    }),
  )
}
