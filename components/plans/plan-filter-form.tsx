import { Button } from '@/components/ui/button'
import { Input, Select } from '@/components/ui/field'
import { Options } from '@/components/ui/options'
import { PLAN_STATUSES } from '@/lib/domain/plan-values'
import type { TPlanListFilter } from '@/lib/server/plans/queries'
import { PLAN_STATUS_LABELS } from './status'

/** Filters live in the URL (a GET form), so a filtered list can be bookmarked and shared. */
export function PlanFilterForm({ filter }: { filter: TPlanListFilter }) {
  return (
    <form method="get" role="search" aria-label="Filter plans" className="mb-4 flex flex-wrap items-end gap-3">
      <div className="min-w-64 flex-1">
        <label htmlFor="q" className="sr-only">
          Search plans
        </label>
        <Input name="q" type="search" placeholder="Search by title…" defaultValue={filter.q} />
      </div>
      <div>
        <label htmlFor="status" className="sr-only">
          Status
        </label>
        <Select name="status" defaultValue={filter.status ?? ''}>
          <option value="">All but archived</option>
          <Options values={PLAN_STATUSES} labels={PLAN_STATUS_LABELS} />
        </Select>
      </div>
      <Button type="submit" variant="secondary">
        Filter
      </Button>
    </form>
  )
}
