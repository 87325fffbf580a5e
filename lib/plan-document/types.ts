import { z } from 'zod'
import { METRIC_NAMES } from '@/lib/domain/metrics'
import { COMPARATORS, IMPACTS, LIKELIHOODS } from '@/lib/domain/plan-values'
import { checkStepConfig, CONFIGURED_KINDS, isConfiguredKind, type DocStepConfig } from './step-config'

// A migration plan as a document says it: what `parsePlanDocument` returns and `formatPlanDocument`
// writes. Plain data (no ids), so it travels as JSON (`lockstep plan parse`) and into an import.

const text = z.string().max(20_000)

export const ZDocItem = z.object({
  text: text.min(1),
  done: z.boolean().default(false),
  /** The list item this one sat under ("Database Backup"), when the document grouped items. */
  group: z.string().max(2_000).nullable().default(null),
})

export const ZDocStep = z
  .object({
    /**
     * `sql` blocks become draft SQL steps; configured steps (a copy with its mapping, validate, backup, observe,
     * manual) become draft steps of their kind; any other fenced block is kept as a note.
     */
    kind: z.enum(['sql', 'note', ...CONFIGURED_KINDS]),
    name: z.string().min(1).max(200),
    language: z.string().max(40).nullable().default(null),
    /** The script; a manual step's instructions. */
    body: z.string().max(1_000_000),
    /** A configured step's settings (step-config.ts); absent for the others. */
    config: z.record(z.string(), z.unknown()).optional(),
  })
  .transform(
    (
      step,
      ctx,
    ): { kind: typeof step.kind; name: string; language: string | null; body: string; config?: DocStepConfig } => {
      const { kind, name, language, body } = step
      if (!isConfiguredKind(kind)) return { kind, name, language, body }
      const { config, problems } = checkStepConfig(kind, step.config)
      for (const problem of problems ?? [])
        ctx.addIssue({ code: 'custom', path: ['config'], message: `(step “${name}”): ${problem}` })
      return { kind, name, language, body, config: config ?? undefined }
    },
  )

export const ZDocPhase = z.object({
  name: z.string().min(1).max(200),
  /** A relative or calendar window as written ("Week 2", "Day 1-2"), or null. */
  window: z.string().max(100).nullable().default(null),
  goal: z.string().max(2_000).default(''),
  items: z.array(ZDocItem).default([]),
  steps: z.array(ZDocStep).default([]),
})

export const ZDocRisk = z.object({
  title: z.string().min(1).max(200),
  impact: z.enum(IMPACTS).nullable().default(null),
  likelihood: z.enum(LIKELIHOODS).nullable().default(null),
  mitigation: z.string().max(5_000).default(''),
  owner: z.string().max(200).nullable().default(null),
  /** Columns of a risk table that have no field of their own, by header. */
  extra: z.record(z.string(), z.string()).default({}),
})

export const GANTT_TAGS = ['done', 'active', 'crit', 'milestone'] as const
export const isGanttTag = (tag: string): tag is (typeof GANTT_TAGS)[number] =>
  (GANTT_TAGS as readonly string[]).includes(tag)

/** A line of the timeline; a task of a Gantt chart also has its section, dates, duration and dependencies. */
export const ZDocTimelineEntry = z.object({
  text: text.min(1),
  section: z.string().max(200).nullable().default(null),
  /** The task's id in its chart ("a1"), which other tasks name after `after`. */
  ref: z.string().max(100).nullable().default(null),
  /** ISO date ("2024-01-08"), time ("14:23") or both ("2024-01-08 14:23"), as the chart's date format allows; as written when it is not a date. */
  start: z.string().max(40).nullable().default(null),
  /** When the task ends: the moment the tasks that follow it start (as written when it is not a date). */
  end: z.string().max(40).nullable().default(null),
  /** How long it lasts, as written: "5d", "2w", "90m", "until m2". */
  duration: z.string().max(40).nullable().default(null),
  /** The refs of the tasks this one follows. */
  after: z.array(z.string().max(100)).max(50).default([]),
  tags: z.array(z.enum(GANTT_TAGS)).default([]),
  /** The days its chart leaves out ("weekends, 2025-01-20"), which push its end later as they push the chart's. */
  excludes: z.string().max(200).nullable().default(null),
})

export const ZDocPlan = z.object({
  title: z.string().min(1).max(200),
  summary: z.string().max(10_000).default(''),
  currentState: z.string().max(10_000).default(''),
  targetState: z.string().max(10_000).default(''),
  phases: z.array(ZDocPhase).default([]),
  checklists: z.array(z.object({ name: z.string().min(1).max(200), items: z.array(ZDocItem).default([]) })).default([]),
  risks: z.array(ZDocRisk).default([]),
  successCriteria: z
    .array(
      z.object({
        text: text.min(1),
        met: z.boolean().default(false),
        group: z.string().max(2_000).nullable().default(null),
      }),
    )
    .default([]),
  rollbackTriggers: z
    .array(
      z.object({
        text: text.min(1),
        /** A measurable condition, written after the text: "(error_rate_percent > 5 for 30 s)". */
        condition: z
          .object({
            metric: z.enum(METRIC_NAMES),
            comparator: z.enum(COMPARATORS),
            threshold: z.number().finite(),
            sustainedSeconds: z.number().int().min(0).max(86_400),
          })
          .nullable()
          .default(null),
      }),
    )
    .default([]),
  rollbackSteps: z
    .array(
      z.object({
        text: text.min(1),
        body: z.string().max(1_000_000).nullable().default(null),
        language: z.string().max(40).nullable().default(null),
      }),
    )
    .default([]),
  timeline: z.array(ZDocTimelineEntry).default([]),
  /** Fenced blocks found outside any phase. */
  steps: z.array(ZDocStep).default([]),
  /** Sections that are not part of the structure above, kept as Markdown. */
  notes: z.array(z.object({ title: z.string().max(200), body: z.string().max(1_000_000) })).default([]),
  warnings: z.array(z.object({ line: z.number().int().nullable(), message: z.string() })).default([]),
})

export type DocItem = z.infer<typeof ZDocItem>
export type DocStep = z.infer<typeof ZDocStep>
export type DocPhase = z.infer<typeof ZDocPhase>
export type DocRisk = z.infer<typeof ZDocRisk>
export type DocPlan = z.infer<typeof ZDocPlan>
export type DocTimelineEntry = z.infer<typeof ZDocTimelineEntry>
export type DocWarning = DocPlan['warnings'][number]

/** A document that cannot be read as a plan at all; the message is for the person who gave it. */
export class DocumentError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DocumentError'
  }
}
