'use client'

// A client component though it only displays: see components/reports/report-view.tsx (what the web server
// spends on server-rendered markup).
import { Timestamp } from '@/components/ui/timestamp'
import type { ActivityDTO } from '@/lib/server/plans/queries'

const VERBS: Record<string, string> = {
  'plan.create': 'created the plan',
  'plan.import': 'imported the plan',
  'plan.update': 'edited the plan',
  'plan.archive': 'archived the plan',
  'plan.restore': 'restored the plan',
  'plan.activate': 'made the plan active by starting its first run',
  'phase.create': 'added a phase',
  'phase.update': 'edited a phase',
  'phase.move': 'reordered the phases',
  'phase.delete': 'removed a phase',
  'phase.complete': 'marked a phase done',
  'phase.reopen': 'reopened a phase',
  'phase.block': 'blocked a phase',
  'phase.unblock': 'unblocked a phase',
  'checklist.create': 'added a checklist',
  'checklistItem.create': 'added a checklist item',
  'checklistItem.tick': 'ticked',
  'checklistItem.untick': 'unticked',
  'checklistItem.delete': 'removed a checklist item',
  'risk.delete': 'removed a risk',
  'successCriterion.delete': 'removed a success criterion',
  'successCriterion.setStatus': 'set the verdict of',
  'rollbackTrigger.delete': 'removed a rollback trigger',
  'risk.create': 'added a risk',
  'risk.update': 'changed a risk',
  'successCriterion.create': 'added a success criterion',
  'rollbackTrigger.create': 'added a rollback trigger',
  'plan.environment': 'set the connections of',
  'plan.environment.move': 'reordered the environments',
  'run.start': 'started a run on',
  'run.overridePromotion': 'started a run without promotion on',
  'window.request': 'requested a maintenance window on',
  'window.approve': 'approved a maintenance window',
  'window.reject': 'rejected a maintenance window',
  'window.cancel': 'cancelled a maintenance window',
  'window.expire': 'saw a maintenance window expire',
}

export function ActivityFeed({ events }: { events: ActivityDTO[] }) {
  if (events.length === 0) return <p className="text-sm text-zinc-500">No activity yet.</p>
  return (
    <ol className="space-y-2 text-sm" aria-label="Recent activity">
      {events.map((event) => (
        <li key={event.id} className="flex gap-3" data-testid="activity">
          <span className="w-36 shrink-0 text-xs text-zinc-500">
            <Timestamp iso={event.createdAt} />
          </span>
          {/* Names, emails and item texts can be one long word: they wrap rather than widen the page on a phone. */}
          <span className="min-w-0 break-words">
            <strong className="font-medium">{event.actorLabel}</strong> {VERBS[event.action] ?? event.action}{' '}
            {event.subject}
          </span>
        </li>
      ))}
    </ol>
  )
}
