import type { Metadata } from 'next'
import { AdminTabs } from '@/components/admin/admin-tabs'
import { AuditFilterForm } from '@/components/admin/audit-filter-form'
import { AuditTable } from '@/components/admin/audit-table'
import { Card } from '@/components/ui/card'
import { EmptyState } from '@/components/ui/empty-state'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'
import { listAuditEventsForAdmin, ZAuditFilter } from '@/lib/server/audit/queries'

export const metadata: Metadata = { title: 'Audit log' }

type SearchParams = Promise<Record<string, string | string[] | undefined>>

export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requirePageActor('audit:read')
  const raw = await searchParams
  const filter = ZAuditFilter.parse(
    Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v || undefined])),
  )
  const page = await listAuditEventsForAdmin(actor, filter)
  const olderHref = page.nextBefore
    ? `?${new URLSearchParams({ ...stringEntries(filter), before: page.nextBefore }).toString()}`
    : null
  return (
    <>
      <PageHeader
        title="Admin"
        description="Every change in Lockstep, who made it and from where. Entries can never be edited or removed."
      />
      <AdminTabs current="audit" />
      <AuditFilterForm filter={filter} actions={page.actions} entityTypes={page.entityTypes} />
      {page.events.length === 0 ? (
        <EmptyState title="No audit events match">Widen the dates or clear a filter.</EmptyState>
      ) : (
        <Card>
          <AuditTable events={page.events} />
          <div className="flex justify-between border-t border-zinc-100 px-4 py-3 text-sm">
            {filter.before ? (
              <a href="?" className="text-indigo-700 hover:underline">
                Newest
              </a>
            ) : (
              <span />
            )}
            {olderHref ? (
              <a href={olderHref} className="text-indigo-700 hover:underline">
                Older events →
              </a>
            ) : (
              <span className="text-zinc-500">No older events</span>
            )}
          </div>
        </Card>
      )}
    </>
  )
}

function stringEntries(filter: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(filter).filter((e): e is [string, string] => !!e[1]))
}
