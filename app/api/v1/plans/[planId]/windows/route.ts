import { apiRoute } from '@/lib/api/v1/handler'
import { ROUTES } from '@/lib/api/v1/routes'
import { postWindow } from '@/lib/server/api/v1'

export const dynamic = 'force-dynamic'

export const POST = apiRoute(ROUTES.postWindow, async ({ auth, params, body }) => postWindow(auth, params.planId, body))
