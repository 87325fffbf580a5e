import { respond } from '@/lib/api/respond'
import { requireActor } from '@/lib/auth/current-user'
import { getSystemStatus } from '@/lib/server/system/queries'

export const dynamic = 'force-dynamic'

export function GET() {
  return respond(async () => getSystemStatus(await requireActor()))
}
