import { apiRoute } from '@/lib/api/v1/handler'
import { ROUTES } from '@/lib/api/v1/routes'
import { getPlanOutline } from '@/lib/server/plans/api-queries'

export const dynamic = 'force-dynamic'

export const GET = apiRoute(ROUTES.getPlan, async ({ auth, params }) => getPlanOutline(auth.actor, params.planId))
