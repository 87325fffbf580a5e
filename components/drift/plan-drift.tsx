import Link from 'next/link'
import { Timestamp } from '@/components/ui/timestamp'
import { plural } from '@/lib/domain/words'
import type { PlanDriftDTO } from '@/lib/server/drift/queries'

/** The plan's targets whose schema changed outside Lockstep (nothing when none did). */
export function PlanDrift({ drift }: { drift: PlanDriftDTO }) {
  if (!drift.length) return null
  return (
    <ul className="mt-2 space-y-1 text-sm" aria-label="Schema drift" data-testid="plan-drift">
      {drift.map((d) => (
        <li
          key={d.environmentName}
          className="rounded-md border border-amber-200 bg-amber-50 px-3 py-1.5 text-amber-900"
        >
          <span aria-hidden="true">≠ </span>
          <strong>Drift on {d.environmentName}</strong>: {plural(d.objects, 'object')} of its target changed outside
          Lockstep (checked <Timestamp iso={d.checkedAt} />){d.acknowledged ? ', acknowledged by a DBA' : ''}.{' '}
          {d.connectionId ? (
            <Link href={`/connections/${d.connectionId}/drift`} className="font-medium text-indigo-700 hover:underline">
              See what changed
            </Link>
          ) : null}
        </li>
      ))}
    </ul>
  )
}
