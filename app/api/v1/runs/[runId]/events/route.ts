import { apiRoute } from '@/lib/api/v1/handler'
import { ROUTES } from '@/lib/api/v1/routes'
import { listRunEvents } from '@/lib/server/runs/events'

export const dynamic = 'force-dynamic'

export const GET = apiRoute(ROUTES.getRunEvents, async ({ auth, params, query }) =>
  listRunEvents(auth.actor, params.runId, query),
)
