import { rollbackPlanInWords, type RollbackPlanSummary } from '@/lib/domain/rollback-plan'

/** The rollback plan in a sentence, with the SQL steps whose rollback scripts it counts and those without one. */
export function RollbackPlanSummaryView({ summary }: { summary: RollbackPlanSummary }) {
  const name = (s: RollbackPlanSummary['scripted'][number]) => `${s.phaseName} · ${s.stepName}`
  return (
    <div className="space-y-1 text-sm" data-testid="rollback-plan">
      <p className="text-zinc-700">{rollbackPlanInWords(summary)}</p>
      {summary.scripted.length ? (
        <p className="text-xs text-zinc-600">
          Rollback scripts (a run&apos;s rollback runs them, newest step first): {summary.scripted.map(name).join(', ')}
          .
        </p>
      ) : null}
      {summary.unscripted.length && summary.scripted.length ? (
        <p className="text-xs text-amber-800">
          No rollback script, so a rollback stops at: {summary.unscripted.map(name).join(', ')}.
        </p>
      ) : null}
    </div>
  )
}
