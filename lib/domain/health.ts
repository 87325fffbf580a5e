import type { Comparator } from '@/lib/generated/prisma/enums'
import { COMPARATOR_SYMBOLS } from './plan-values'
import { formatMetric, isMetricName, METRICS, type MetricName, type MetricValues } from './metrics'

// Health from rollback triggers: each measurable trigger (metric, comparison, threshold, sustained for a
// duration) is checked against every sample in order. A trigger whose condition has held, sample after
// sample, for its duration FIRES; one whose condition holds but not yet for long enough is BREACHED.
// A failed sample (target unreachable) neither breaks nor extends a streak: it measures nothing.

export const HEALTH_STATES = ['HEALTHY', 'DEGRADED', 'FAILING'] as const
export type Health = (typeof HEALTH_STATES)[number]
export type TriggerState = 'OK' | 'BREACHED' | 'FIRING' | 'RECOVERED' | 'NO_DATA'

export type TriggerInput = {
  id: string
  text: string
  metric: string | null
  comparator: Comparator | null
  threshold: number | null
  sustainedSeconds: number
}
export type SeriesPoint = { at: number; ok: boolean; error?: string | null; values: MetricValues }

export type TriggerEvaluation = {
  triggerId: string
  text: string
  metric: MetricName
  /** e.g. "error_rate_percent > 5 for 30 s". */
  condition: string
  state: TriggerState
  /** The latest measured value, formatted with its unit. */
  value: string | null
  /** When the current breach began (ISO), while it lasts. */
  breachedSince: string | null
  /** When the trigger first fired in the series (ISO), with the value that made it fire. */
  firedAt: string | null
  firedValue: string | null
}

export type HealthReport = {
  health: Health
  reasons: string[]
  triggers: TriggerEvaluation[]
  unmeasurable: string[]
  lastSampleAt: string | null
}

/** Measured points further apart than this (the sampler backs off to a minute) break a streak. */
export const MAX_GAP_MS = 65_000

const holds = (comparator: Comparator, value: number, threshold: number) =>
  comparator === 'GT'
    ? value > threshold
    : comparator === 'GTE'
      ? value >= threshold
      : comparator === 'LT'
        ? value < threshold
        : value <= threshold

export function describeCondition(t: {
  metric: string
  comparator: Comparator
  threshold: number
  sustainedSeconds: number
}): string {
  return `${t.metric} ${COMPARATOR_SYMBOLS[t.comparator]} ${t.threshold}${t.sustainedSeconds ? ` for ${t.sustainedSeconds} s` : ''}`
}

export type Condition = { metric: MetricName; comparator: Comparator; threshold: number; sustainedSeconds: number }

const SYMBOL_COMPARATORS: Record<string, Comparator> = {
  '>': 'GT',
  '≥': 'GTE',
  '>=': 'GTE',
  '<': 'LT',
  '≤': 'LTE',
  '<=': 'LTE',
}

/**
 * A trigger's text with its measurable condition at the end in parentheses, as plan documents write it –
 * "Error rate above 5 % (error_rate_percent > 5 for 30 s)" – split into the text and the condition.
 */
export function splitCondition(line: string): { text: string; condition: Condition | null } {
  const match =
    /^(.*\S)\s*\(\s*([a-z_]+)\s*(>=|<=|>|<|≥|≤)\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)(?:\s+for\s+(\d+)\s*s)?\s*\)\s*$/.exec(
      line,
    )
  const comparator = match ? SYMBOL_COMPARATORS[match[3] ?? ''] : undefined
  if (!match || !isMetricName(match[2]) || !comparator) return { text: line, condition: null }
  return {
    text: match[1] ?? line,
    condition: { metric: match[2], comparator, threshold: Number(match[4]), sustainedSeconds: Number(match[5] ?? 0) },
  }
}

/** One trigger over a series of samples, oldest first. */
export function evaluateTrigger(
  trigger: TriggerInput & { metric: MetricName; comparator: Comparator; threshold: number },
  points: readonly SeriesPoint[],
): TriggerEvaluation {
  let since: number | null = null
  let fired: { at: number; value: number } | null = null
  let latest: { value: number; firing: boolean } | null = null
  let lastAt: number | null = null
  for (const point of points) {
    const value = point.ok ? point.values[trigger.metric] : undefined
    if (value === undefined) continue
    // Nothing was measured for longer than the sampler's longest back-off: the streak cannot be vouched for.
    if (lastAt !== null && point.at - lastAt > MAX_GAP_MS) since = null
    lastAt = point.at
    if (!holds(trigger.comparator, value, trigger.threshold)) {
      since = null
      latest = { value, firing: false }
      continue
    }
    since ??= point.at
    const firing = point.at - since >= trigger.sustainedSeconds * 1000
    if (firing && !fired) fired = { at: point.at, value }
    latest = { value, firing }
  }
  const state: TriggerState = !latest
    ? 'NO_DATA'
    : latest.firing
      ? 'FIRING'
      : since !== null
        ? 'BREACHED'
        : fired
          ? 'RECOVERED'
          : 'OK'
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
  return {
    triggerId: trigger.id,
    text: trigger.text,
    metric: trigger.metric,
    condition: describeCondition(trigger),
    state,
    value: latest ? formatMetric(trigger.metric, latest.value) : null,
    breachedSince: iso(since),
    firedAt: iso(fired?.at ?? null),
    firedValue: fired ? formatMetric(trigger.metric, fired.value) : null,
  }
}

const time = (iso: string) => iso.slice(11, 19)

/**
 * The health a series of samples shows against the plan's triggers: FAILING while a trigger fires;
 * DEGRADED while one is breached, after one fired and recovered, or when the latest sample failed or
 * (for a live view, `staleAfterMs`) is too old; HEALTHY otherwise. The reasons say which and why.
 */
export function evaluateHealth(
  triggers: readonly TriggerInput[],
  points: readonly SeriesPoint[],
  options: { now?: number; staleAfterMs?: number } = {},
): HealthReport {
  const measurable = triggers.filter(
    (t): t is TriggerInput & { metric: MetricName; comparator: Comparator; threshold: number } =>
      isMetricName(t.metric) && t.comparator !== null && t.threshold !== null,
  )
  const evaluations = measurable.map((t) => evaluateTrigger(t, points))
  const reasons: string[] = []
  let health: Health = 'HEALTHY'
  const worsen = (to: Health, reason: string) => {
    if (to === 'FAILING' || health === 'HEALTHY') health = to
    reasons.push(reason)
  }
  for (const e of evaluations) {
    const label = METRICS[e.metric].label.toLowerCase()
    if (e.state === 'FIRING')
      worsen('FAILING', `“${e.text}” fired at ${time(e.firedAt ?? '')}: ${label} ${e.value} (${e.condition}).`)
    else if (e.state === 'BREACHED')
      worsen(
        'DEGRADED',
        `“${e.text}”: ${label} ${e.value} since ${time(e.breachedSince ?? '')} (${e.condition}), not yet for long enough to fire.`,
      )
    else if (e.state === 'RECOVERED')
      worsen(
        'DEGRADED',
        `“${e.text}” fired at ${time(e.firedAt ?? '')} (${label} ${e.firedValue}) and has recovered: ${e.value} now.`,
      )
  }
  const last = points.at(-1)
  if (last && !last.ok)
    worsen(
      'DEGRADED',
      `The database could not be sampled at ${time(new Date(last.at).toISOString())}: ${last.error ?? 'unreachable'}.`,
    )
  else if (last && options.staleAfterMs && options.now !== undefined && options.now - last.at > options.staleAfterMs) {
    worsen('DEGRADED', `No sample for ${Math.round((options.now - last.at) / 1000)} s.`)
  }
  return {
    health,
    reasons,
    triggers: evaluations,
    unmeasurable: triggers.filter((t) => !measurable.includes(t as (typeof measurable)[number])).map((t) => t.text),
    lastSampleAt: last ? new Date(last.at).toISOString() : null,
  }
}
