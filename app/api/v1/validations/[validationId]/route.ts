import { apiRoute } from '@/lib/api/v1/handler'
import { ROUTES } from '@/lib/api/v1/routes'
import { getValidation } from '@/lib/server/validations/queries'

export const dynamic = 'force-dynamic'

export const GET = apiRoute(ROUTES.getValidation, async ({ auth, params }) =>
  getValidation(auth.actor, params.validationId),
)
