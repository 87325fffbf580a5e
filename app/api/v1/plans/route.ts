import { apiRoute } from '@/lib/api/v1/handler'
import { ROUTES } from '@/lib/api/v1/routes'
import { listPlansPage } from '@/lib/server/plans/api-queries'

export const dynamic = 'force-dynamic'

export const GET = apiRoute(ROUTES.listPlans, async ({ auth, query }) => listPlansPage(auth.actor, query))
