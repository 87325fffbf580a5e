// A plan's rollback plan is what is written down (its rollback steps) and what can run: the rollback scripts
// of its SQL steps, which a run's rollback executes. Pure: the plan page derives it from the plan it has.

type StepFacts = { id: string; kind: string; name: string; rollbackBody: string | null }
type PlanFacts = { rollbackSteps: readonly unknown[]; phases: readonly { name: string; steps: readonly StepFacts[] }[] }

export type RollbackPlanSummary = {
  /** Rollback steps written down in the plan. */
  written: number
  /** SQL steps with a rollback script, by phase. */
  scripted: { stepId: string; phaseName: string; stepName: string }[]
  /** SQL steps without one: a rollback stops at them. */
  unscripted: { stepId: string; phaseName: string; stepName: string }[]
}

export function rollbackPlanOf(plan: PlanFacts): RollbackPlanSummary {
  const sql = plan.phases.flatMap((phase) =>
    phase.steps
      .filter((s) => s.kind === 'SQL')
      .map((s) => ({ stepId: s.id, phaseName: phase.name, stepName: s.name, scripted: !!s.rollbackBody?.trim() })),
  )
  const strip = ({ stepId, phaseName, stepName }: (typeof sql)[number]) => ({ stepId, phaseName, stepName })
  return {
    written: plan.rollbackSteps.length,
    scripted: sql.filter((s) => s.scripted).map(strip),
    unscripted: sql.filter((s) => !s.scripted).map(strip),
  }
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/** The rollback plan in one sentence. */
export function rollbackPlanInWords(summary: RollbackPlanSummary): string {
  const sqlSteps = summary.scripted.length + summary.unscripted.length
  if (summary.written === 0 && summary.scripted.length === 0) {
    if (sqlSteps === 0)
      return 'No rollback plan yet: no rollback steps written down and no SQL step with a rollback script.'
    return `No rollback plan yet: no rollback steps written down, and ${sqlSteps === 1 ? 'the SQL step has no rollback script' : `none of the ${sqlSteps} SQL steps has a rollback script`}.`
  }
  const parts = [
    summary.written ? `${count(summary.written, 'rollback step', 'rollback steps')} written down` : null,
    sqlSteps
      ? summary.unscripted.length
        ? `rollback scripts for ${summary.scripted.length} of ${count(sqlSteps, 'SQL step', 'SQL steps')}`
        : `a rollback script for every SQL step (${sqlSteps})`
      : null,
  ].filter((p): p is string => p !== null)
  const sentence = parts.join('; ')
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`
}
