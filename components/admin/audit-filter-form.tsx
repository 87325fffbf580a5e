import { Button } from '@/components/ui/button'
import { Field, Input, Select } from '@/components/ui/field'
import type { TAuditFilter } from '@/lib/server/audit/queries'

type Props = { filter: TAuditFilter; actions: string[]; entityTypes: string[] }

/** A plain GET form: filters live in the URL, so a filtered view can be bookmarked and shared. */
export function AuditFilterForm({ filter, actions, entityTypes }: Props) {
  return (
    <form
      method="get"
      className="mb-4 grid gap-3 rounded-lg border border-zinc-200 bg-white p-4 sm:grid-cols-3 lg:grid-cols-6"
      aria-label="Filter audit events"
    >
      <Field label="Actor" name="actor">
        <Input name="actor" defaultValue={filter.actor} placeholder="email contains…" />
      </Field>
      <Field label="Action" name="action">
        <Select name="action" defaultValue={filter.action ?? ''}>
          <option value="">Any</option>
          {actions.map((a) => (
            <option key={a}>{a}</option>
          ))}
        </Select>
      </Field>
      <Field label="Entity" name="entityType">
        <Select name="entityType" defaultValue={filter.entityType ?? ''}>
          <option value="">Any</option>
          {entityTypes.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </Select>
      </Field>
      <Field label="From" name="from">
        <Input name="from" type="date" defaultValue={filter.from} />
      </Field>
      <Field label="To" name="to">
        <Input name="to" type="date" defaultValue={filter.to} />
      </Field>
      <div className="flex items-end gap-2">
        <Button type="submit">Filter</Button>
        <a href="?" className="px-2 py-2 text-sm text-zinc-600 hover:underline">
          Clear
        </a>
      </div>
      {filter.entityId ? <input type="hidden" name="entityId" value={filter.entityId} /> : null}
    </form>
  )
}
