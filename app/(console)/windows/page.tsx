import type { Metadata } from 'next'
import { WindowList } from '@/components/windows/window-list'
import { WindowRequestForm } from '@/components/windows/window-request-form'
import { Card } from '@/components/ui/card'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'
import { can } from '@/lib/auth/permissions'
import { listWindows, windowRequestOptions } from '@/lib/server/windows/queries'

export const metadata: Metadata = { title: 'Maintenance windows' }

export default async function WindowsPage() {
  const actor = await requirePageActor('window:read')
  const windows = await listWindows(actor)
  const options = can(actor.role, 'window:request') ? await windowRequestOptions(actor) : null
  const group = (...states: string[]) => windows.filter((w) => states.includes(w.state))
  return (
    <div className="space-y-8">
      <PageHeader
        title="Maintenance windows"
        description="Protected environments such as production run only inside an approved, active window. Leads and DBAs request windows; another DBA approves or rejects them. All times are UTC."
      />
      <section aria-labelledby="pending-title" className="space-y-3">
        <h2 id="pending-title" className="text-lg font-semibold">
          Awaiting approval
        </h2>
        <WindowList windows={group('PENDING')} empty="Nothing is waiting for a decision." />
      </section>
      <section aria-labelledby="approved-title" className="space-y-3">
        <h2 id="approved-title" className="text-lg font-semibold">
          Approved: active and upcoming
        </h2>
        <WindowList windows={group('ACTIVE', 'UPCOMING')} empty="No approved windows ahead." />
      </section>
      {options ? (
        <section aria-labelledby="request-title" className="space-y-3">
          <h2 id="request-title" className="text-lg font-semibold">
            Request a window
          </h2>
          <Card className="p-5">
            <WindowRequestForm environments={options.environments} plans={options.plans} />
          </Card>
        </section>
      ) : null}
      <section aria-labelledby="past-title" className="space-y-3">
        <h2 id="past-title" className="text-lg font-semibold">
          Past, rejected and cancelled (last 30 days)
        </h2>
        <WindowList windows={group('PAST', 'REJECTED', 'CANCELLED', 'EXPIRED').reverse()} empty="None." />
      </section>
    </div>
  )
}
