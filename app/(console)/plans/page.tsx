import type { Metadata } from 'next'
import Link from 'next/link'
import { PlanFilterForm } from '@/components/plans/plan-filter-form'
import { PlanList } from '@/components/plans/plan-list'
import { Pager } from '@/components/plans/pager'
import { EmptyState } from '@/components/ui/empty-state'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'
import { can } from '@/lib/auth/permissions'
import { listPlansForViewer, PLAN_PAGE_SIZE, ZPlanListFilter } from '@/lib/server/plans/queries'

export const metadata: Metadata = { title: 'Plans' }

type SearchParams = Promise<Record<string, string | string[] | undefined>>

export default async function PlansPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requirePageActor('plan:read')
  const raw = await searchParams
  const filter = ZPlanListFilter.parse({
    q: first(raw.q) || undefined,
    status: first(raw.status) || undefined,
    page: first(raw.page) || undefined,
  })
  const { plans, total, page, pageCount } = await listPlansForViewer(actor, filter)
  const canEdit = can(actor.role, 'plan:edit')
  const filtered = !!(filter.q || filter.status || page > 1)
  const newPlan = canEdit ? (
    <div className="flex gap-2">
      <Link
        href="/plans/import"
        className="inline-flex h-9 items-center rounded-md border border-zinc-300 bg-white px-4 text-sm font-medium text-zinc-800 hover:bg-zinc-50"
      >
        Import Markdown
      </Link>
      <Link
        href="/plans/new"
        className="inline-flex h-9 items-center rounded-md bg-indigo-600 px-4 text-sm font-medium text-white hover:bg-indigo-500"
      >
        New plan
      </Link>
    </div>
  ) : null
  return (
    <>
      <PageHeader
        title="Plans"
        description="Each plan is one migration effort: its phases, checklists, risks, success criteria and runs."
        actions={newPlan}
      />
      <PlanFilterForm filter={filter} />
      {plans.length > 0 ? (
        <>
          <PlanList plans={plans} />
          <Pager
            filter={filter}
            page={page}
            pageCount={pageCount}
            pageSize={PLAN_PAGE_SIZE}
            total={total}
            shown={plans.length}
          />
        </>
      ) : filtered ? (
        <EmptyState title="No plans match">Try other words, or another status.</EmptyState>
      ) : (
        <EmptyState title="No plans yet" action={newPlan}>
          A plan holds the phases, checklists, risk register and rollback triggers of one migration.
          {canEdit
            ? ' Create the first one to start tracking it here.'
            : ' Plans appear here once a project lead creates them.'}
        </EmptyState>
      )}
    </>
  )
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)
