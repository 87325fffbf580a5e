import 'server-only'
import { randomUUID } from 'node:crypto'
import { db } from '@/lib/db'
import { hiddenCharacterFields } from '@/lib/domain/hidden-characters'
import { isMetricName } from '@/lib/domain/metrics'
import { isGanttTag, ZDocPlan, type DocPlan, type DocStep } from '@/lib/plan-document/types'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCan, assertCanInTx } from '@/lib/server/authorize'
import { invalid, notFound } from '@/lib/server/errors'
import { z } from 'zod'
import { PLAN_ROLLUP_SQL } from './rollup'
import { docStepOf, stepDataOf } from './document-steps'
import { stepsAndScripts } from './steps'
import { recordImportedRevisions } from '@/lib/server/revisions/record'

// Plans to and from plan documents (lib/plan-document): an import is one transaction with one audit
// event; an export reads everything a document can say.

export const MAX_IMPORT_PHASES = 100
export const MAX_IMPORT_ITEMS = 5_000

const isoDay = (date: Date | null) => date?.toISOString().slice(0, 10) ?? null

/**
 * The rule of every form field, for all a document would put into a plan (names, items, SQL): throws INVALID
 * naming the first field with a hidden character. The parser's warnings are not saved and are not checked.
 */
export function assertNoHiddenCharacters(doc: DocPlan): void {
  const [where, messages] = Object.entries(hiddenCharacterFields({ ...doc, warnings: [] }))[0] ?? []
  if (where && messages?.[0]) throw invalid(`In the document's ${where}: ${messages[0]}`)
}

/**
 * Leads, DBAs and admins: saves a parsed document as a new draft plan owned by the actor. Every way a document
 * comes in (form, upload, command line, seed) ends here, so the document's checks live here.
 */
export async function importPlanDocument(actor: UserActor, input: unknown): Promise<{ id: string }> {
  const parsed = ZDocPlan.safeParse(input)
  if (!parsed.success)
    throw invalid(
      `The plan document is not valid: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
    )
  const doc = parsed.data
  assertNoHiddenCharacters(doc)
  const itemCount =
    doc.phases.reduce((n, p) => n + p.items.length, 0) + doc.checklists.reduce((n, c) => n + c.items.length, 0)
  if (doc.phases.length > MAX_IMPORT_PHASES)
    throw invalid(`A plan has at most ${MAX_IMPORT_PHASES} phases; this document has ${doc.phases.length}.`)
  if (itemCount > MAX_IMPORT_ITEMS)
    throw invalid(`A plan has at most ${MAX_IMPORT_ITEMS} checklist items; this document has ${itemCount}.`)

  return db.$transaction(
    async (tx) => {
      await assertCanInTx(tx, actor, 'plan:edit')
      const now = new Date()
      const plan = await tx.plan.create({
        data: {
          title: doc.title,
          summary: doc.summary,
          currentState: doc.currentState,
          targetState: doc.targetState,
          status: 'DRAFT',
          ownerId: actor.id,
        },
      })
      const planId = plan.id
      const phases = doc.phases.map((phase, position) => ({ id: randomUUID(), phase, position }))
      const checklists = doc.checklists.map((checklist, position) => ({ id: randomUUID(), checklist, position }))
      const done = (isDone: boolean) => (isDone ? { doneAt: now, doneById: actor.id } : {})
      await tx.phase.createMany({
        data: phases.map(({ id, phase, position }) => ({
          id,
          planId,
          position,
          name: phase.name,
          goal: phase.goal,
          plannedLabel: phase.window,
        })),
      })
      await tx.checklist.createMany({
        data: checklists.map(({ id, checklist, position }) => ({ id, planId, position, name: checklist.name })),
      })
      await tx.checklistItem.createMany({
        data: [
          ...phases.flatMap(({ id, phase }) =>
            phase.items.map((item, position) => ({
              phaseId: id,
              position,
              text: item.text,
              group: item.group,
              ...done(item.done),
            })),
          ),
          ...checklists.flatMap(({ id, checklist }) =>
            checklist.items.map((item, position) => ({
              checklistId: id,
              position,
              text: item.text,
              group: item.group,
              ...done(item.done),
            })),
          ),
        ],
      })
      // Steps and the scripts kept as notes share one order within their phase.
      const placed = (steps: DocStep[], phaseId: string | null) =>
        steps.map((step, position) => ({ step, position, phaseId }))
      const allSteps = [...phases.flatMap(({ id, phase }) => placed(phase.steps, id)), ...placed(doc.steps, null)]
      // Every step comes in as a draft (isDraft's default): someone reviews it before a run may use it.
      const newSteps = allSteps
        .filter(({ step }) => step.kind !== 'note')
        .map(({ step, position, phaseId }) => ({
          id: randomUUID(),
          planId,
          phaseId,
          position,
          name: step.name,
          ...stepDataOf(step),
        }))
      await tx.step.createMany({ data: newSteps })
      // SQL steps start their script history with the imported text.
      await recordImportedRevisions(
        tx,
        actor,
        newSteps.filter((s) => s.kind === 'SQL').map((s) => ({ id: s.id, body: s.body, rollbackBody: null })),
      )
      await tx.planNote.createMany({
        data: [
          ...allSteps
            .filter(({ step }) => step.kind === 'note')
            .map(({ step, position, phaseId }) => ({
              planId,
              phaseId,
              position,
              title: step.name,
              body: step.body,
              language: step.language ?? '',
            })),
          ...doc.notes.map((note, position) => ({
            planId,
            position: 10_000 + position,
            title: note.title,
            body: note.body,
          })),
        ],
      })
      await tx.risk.createMany({
        data: doc.risks.map((r) => ({
          planId,
          title: r.title,
          impact: r.impact,
          likelihood: r.likelihood,
          mitigation: r.mitigation,
          owner: r.owner,
          extra: r.extra,
        })),
      })
      await tx.successCriterion.createMany({
        data: doc.successCriteria.map((c, position) => ({
          planId,
          position,
          text: c.text,
          group: c.group,
          status: c.met ? ('MET' as const) : ('PENDING' as const),
        })),
      })
      await tx.rollbackTrigger.createMany({
        data: doc.rollbackTriggers.map((t, position) => ({ planId, position, text: t.text, ...t.condition })),
      })
      await tx.rollbackStep.createMany({
        data: doc.rollbackSteps.map((s, position) => ({
          planId,
          position,
          text: s.text,
          body: s.body,
          language: s.language,
        })),
      })
      await tx.timelineEntry.createMany({
        data: doc.timeline.map((t, position) => ({
          planId,
          position,
          text: t.text,
          section: t.section,
          ref: t.ref,
          start: t.start,
          end: t.end,
          duration: t.duration,
          after: t.after,
          tags: t.tags,
          excludes: t.excludes,
        })),
      })
      await tx.$executeRawUnsafe(PLAN_ROLLUP_SQL, [planId])
      await recordAudit(tx, actor, {
        action: 'plan.import',
        entityType: 'Plan',
        entityId: planId,
        planId,
        after: {
          title: doc.title,
          phases: doc.phases.length,
          items: itemCount,
          risks: doc.risks.length,
          steps: allSteps.length,
          stepKinds: Object.fromEntries(
            [...new Set(allSteps.map(({ step }) => step.kind))].map((kind) => [
              kind,
              allSteps.filter(({ step }) => step.kind === kind).length,
            ]),
          ),
          notes: doc.notes.length,
          warnings: doc.warnings.length,
        },
      })
      return { id: planId }
    },
    { timeout: 30_000 },
  )
}

/** Any signed-in role: the plan as a document, ready for `formatPlanDocument`. */
export async function exportPlanDocument(actor: UserActor, planId: string): Promise<DocPlan> {
  assertCan(actor, 'plan:read')
  if (!z.uuid().safeParse(planId).success) throw notFound('Plan')
  const byPosition = { orderBy: { position: 'asc' as const } }
  const plan = await db.plan.findUnique({
    where: { id: planId },
    include: {
      phases: { ...byPosition, include: { items: byPosition } },
      checklists: { ...byPosition, include: { items: byPosition } },
      risks: { orderBy: { createdAt: 'asc' } },
      successCriteria: byPosition,
      rollbackTriggers: byPosition,
      rollbackSteps: byPosition,
      timeline: byPosition,
      steps: { where: { removedAt: null }, ...byPosition },
      notes: byPosition,
    },
  })
  if (!plan) throw notFound('Plan')
  const stepsOf = (phaseId: string | null) =>
    stepsAndScripts<DocStep>(plan.steps, plan.notes, phaseId, {
      step: docStepOf,
      script: (n) => ({ kind: 'note', name: n.title, language: n.language || null, body: n.body }),
    })
  const dated = (p: (typeof plan.phases)[number]) =>
    p.plannedLabel ?? ([isoDay(p.plannedStart), isoDay(p.plannedEnd)].filter(Boolean).join(' – ') || null)
  return ZDocPlan.parse({
    title: plan.title,
    summary: plan.summary,
    currentState: plan.currentState,
    targetState: plan.targetState,
    phases: plan.phases.map((p) => ({
      name: p.name,
      window: dated(p),
      goal: p.goal,
      items: p.items.map((i) => ({ text: i.text, done: i.doneAt !== null, group: i.group })),
      steps: stepsOf(p.id),
    })),
    checklists: plan.checklists.map((c) => ({
      name: c.name,
      items: c.items.map((i) => ({ text: i.text, done: i.doneAt !== null, group: i.group })),
    })),
    risks: plan.risks.map((r) => ({
      title: r.title,
      impact: r.impact,
      likelihood: r.likelihood,
      mitigation: r.mitigation,
      owner: r.owner,
      extra: stringRecord(r.extra),
    })),
    successCriteria: plan.successCriteria.map((c) => ({ text: c.text, met: c.status === 'MET', group: c.group })),
    rollbackTriggers: plan.rollbackTriggers.map((t) => ({
      text: t.text,
      condition:
        isMetricName(t.metric) && t.comparator && t.threshold !== null
          ? { metric: t.metric, comparator: t.comparator, threshold: t.threshold, sustainedSeconds: t.sustainedSeconds }
          : null,
    })),
    rollbackSteps: plan.rollbackSteps.map((s) => ({ text: s.text, body: s.body, language: s.language })),
    timeline: plan.timeline.map((t) => ({
      text: t.text,
      section: t.section,
      ref: t.ref,
      start: t.start,
      end: t.end,
      duration: t.duration,
      after: t.after,
      tags: t.tags.filter(isGanttTag),
      excludes: t.excludes,
    })),
    steps: stepsOf(null),
    notes: plan.notes.filter((n) => n.language === null).map((n) => ({ title: n.title, body: n.body })),
    warnings: [],
  })
}

const stringRecord = (value: unknown): Record<string, string> =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {}
