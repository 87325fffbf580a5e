import type { PlanNote, Step } from '@/lib/generated/prisma/client'

/**
 * A phase's steps and the scripts kept from its document as notes (those have a language), in their
 * shared order; `phaseId` null gives those outside any phase.
 */
export function stepsAndScripts<T, S extends Step = Step>(
  steps: S[],
  notes: PlanNote[],
  phaseId: string | null,
  as: { step: (step: S) => T; script: (note: PlanNote) => T },
): T[] {
  return [
    ...steps.filter((s) => s.phaseId === phaseId).map((s) => ({ position: s.position, value: as.step(s) })),
    ...notes
      .filter((n) => n.phaseId === phaseId && n.language !== null)
      .map((n) => ({ position: n.position, value: as.script(n) })),
  ]
    .sort((a, b) => a.position - b.position)
    .map((entry) => entry.value)
}
