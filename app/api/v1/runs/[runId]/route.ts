import { apiRoute } from '@/lib/api/v1/handler'
import { ROUTES } from '@/lib/api/v1/routes'
import { runState } from '@/lib/server/api/v1'

export const dynamic = 'force-dynamic'

export const GET = apiRoute(ROUTES.getRun, async ({ auth, request, params }) => runState(auth, request, params.runId))
