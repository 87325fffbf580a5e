import { apiRoute } from '@/lib/api/v1/handler'
import { ROUTES } from '@/lib/api/v1/routes'
import { putSqlStepOf } from '@/lib/server/api/v1'

export const dynamic = 'force-dynamic'

export const PUT = apiRoute(ROUTES.putSqlStep, async ({ auth, params, body }) => putSqlStepOf(auth, params, body))
