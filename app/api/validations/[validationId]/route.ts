import { respond } from '@/lib/api/respond'
import { requireActor } from '@/lib/auth/current-user'
import { getValidation } from '@/lib/server/validations/queries'

export const dynamic = 'force-dynamic'

/** A validation's report, polled by the validation view while it runs. */
export async function GET(_request: Request, { params }: { params: Promise<{ validationId: string }> }) {
  return respond(async () => getValidation(await requireActor('plan:read'), (await params).validationId))
}
