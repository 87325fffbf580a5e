import { apiRoute } from '@/lib/api/v1/handler'
import { ROUTES } from '@/lib/api/v1/routes'
import { me } from '@/lib/server/api/v1'

export const dynamic = 'force-dynamic'

export const GET = apiRoute(ROUTES.me, async ({ auth }) => me(auth))
