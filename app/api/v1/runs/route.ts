import { apiRoute } from '@/lib/api/v1/handler'
import { ROUTES } from '@/lib/api/v1/routes'
import { postRun } from '@/lib/api/v1/start-run'

export const dynamic = 'force-dynamic'

export const POST = apiRoute(ROUTES.postRun, async ({ auth, request, body, rawBody }) =>
  postRun(auth, request, body, rawBody),
)
