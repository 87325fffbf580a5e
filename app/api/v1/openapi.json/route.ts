import { apiRoute } from '@/lib/api/v1/handler'
import { ROUTES } from '@/lib/api/v1/routes'
import { openApiDocument } from '@/lib/api/v1/openapi'

export const dynamic = 'force-dynamic'

export const GET = apiRoute(ROUTES.openapi, async () => openApiDocument())
