import { ProgressBar } from '@/components/ui/progress-bar'
import { Timestamp } from '@/components/ui/timestamp'
import type { RestoreDTO } from '@/lib/server/backups/recovery'
import { RestoreStatusBadge } from './restore-status'

/** The latest restores of the plan's backups: from where into where, by whom, and how far along. */
export function PlanRestores({ restores }: { restores: RestoreDTO[] }) {
  if (restores.length === 0) return null
  return (
    <section aria-labelledby="restores-title" className="space-y-2">
      <h3 id="restores-title" className="text-sm font-semibold text-zinc-700">
        Restores
      </h3>
      <ul className="space-y-2">
        {restores.map((r) => (
          <li
            key={r.id}
            data-testid="plan-restore"
            className="space-y-1 rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm"
          >
            <p className="flex flex-wrap items-center gap-2">
              <RestoreStatusBadge status={r.status} />
              <span>
                The backup of <strong>{r.fromConnectionName}</strong> taken <Timestamp iso={r.backupTakenAt} /> into{' '}
                <strong>{r.intoConnectionName}</strong>
                {r.overSource ? ' (over the database it came from)' : ''}
              </span>
              <span className="text-xs text-zinc-500">
                requested by {r.requestedByName} <Timestamp iso={r.createdAt} />
                {r.finishedAt ? (
                  <>
                    {' '}
                    · finished <Timestamp iso={r.finishedAt} />
                  </>
                ) : null}
              </span>
            </p>
            {r.status === 'RUNNING' && r.total > 0 ? (
              <div className="max-w-sm">
                <ProgressBar
                  value={Math.round((100 * r.done) / r.total)}
                  label={`Restoring into ${r.intoConnectionName}`}
                />
              </div>
            ) : null}
            {r.error ? <p className="text-xs text-red-700">{r.error}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  )
}
