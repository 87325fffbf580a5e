import { apiRoute } from '@/lib/api/v1/handler'
import { ROUTES } from '@/lib/api/v1/routes'
import { previewOf } from '@/lib/server/api/v1'

export const dynamic = 'force-dynamic'

export const GET = apiRoute(ROUTES.getPreview, async ({ auth, params, query }) =>
  previewOf(auth, params, query.environmentId),
)
