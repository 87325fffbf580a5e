import { IMPACTS, LIKELIHOODS } from '@/lib/domain/plan-values'
import type { RiskImpact, RiskLikelihood } from '@/lib/generated/prisma/enums'
import type { PhaseStatus } from '@/lib/domain/progress'

// Pure rules of the plan workspace.

/** Impact (1–4) × likelihood (1–5): 1 to 20; null while the risk is not rated. */
export function riskScore(impact: RiskImpact | null, likelihood: RiskLikelihood | null): number | null {
  if (!impact || !likelihood) return null
  return (IMPACTS.indexOf(impact) + 1) * (LIKELIHOODS.indexOf(likelihood) + 1)
}

export type Severity = 'low' | 'moderate' | 'high' | 'critical'

export function riskSeverity(score: number): Severity {
  if (score >= 15) return 'critical'
  if (score >= 8) return 'high'
  if (score >= 4) return 'moderate'
  return 'low'
}

/** Positions 0..n-1 after moving the element at `from` by `delta` places (clamped). */
export function reorder<T>(list: readonly T[], from: number, delta: number): T[] {
  const to = Math.max(0, Math.min(list.length - 1, from + delta))
  const next = [...list]
  const [moved] = next.splice(from, 1)
  if (moved === undefined) return next
  next.splice(to, 0, moved)
  return next
}

/** Plans with more phase checklist items than this open only the current phase's checklist at first. */
export const LARGE_PLAN_ITEMS = 120

type PhaseForExpansion = { id: string; status: PhaseStatus; itemCount: number }

/**
 * Which phases show their checklist. `requested` is the page's `open` parameter: "all", or phase ids
 * separated by commas ("" for none). Without one, a plan shows every checklist unless it is large
 * (like a large diff, rendered on request); then only the current phase – the first not yet done – is open.
 */
export function openPhaseIds(phases: readonly PhaseForExpansion[], requested: string | undefined): Set<string> {
  if (requested === 'all') return new Set(phases.map((p) => p.id))
  if (requested !== undefined) {
    const wanted = new Set(requested.split(','))
    return new Set(phases.filter((p) => wanted.has(p.id)).map((p) => p.id))
  }
  if (phases.reduce((sum, p) => sum + p.itemCount, 0) <= LARGE_PLAN_ITEMS) return new Set(phases.map((p) => p.id))
  const current = phases.find((p) => p.status !== 'DONE')
  return new Set(current ? [current.id] : [])
}

/** The `open` parameter that shows `open` with `phaseId` toggled. */
export function toggleOpenPhase(phases: readonly { id: string }[], open: ReadonlySet<string>, phaseId: string): string {
  const next = phases.filter((p) => (p.id === phaseId ? !open.has(p.id) : open.has(p.id)))
  return next.length === phases.length ? 'all' : next.map((p) => p.id).join(',')
}
