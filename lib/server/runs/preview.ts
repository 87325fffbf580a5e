import 'server-only'
import { cache } from 'react'
import { db } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'
import { phaseChecksum } from '@/lib/server/step-content'
import { previewScript } from '@/lib/targets/sql/preview'
import { describeStep, type PreviewGate, type StepPreview } from '@/lib/domain/run-preview'
import { KIND_NAMES, RUNNABLE_KINDS, backupConfigOf, sqlConfigOf } from '@/lib/domain/step-kinds'
import { RUN_STEPS, snapshotOf } from './content'
import { firstLossOf } from './safeguards'

// A run's preview of a phase (Liquibase's updateSQL): the steps a run would queue now – the same list and
// the same snapshot startRun fixes on the run, with the same content checksum – each described by what the
// engine will do with it, SQL split and analysed by the parser the engine uses (lib/targets/sql/preview.ts).
// Nothing here touches a target database.

export type PhasePreviewDTO = {
  planId: string
  planTitle: string
  phaseId: string
  phaseName: string
  /** The checksum a run queued now would carry (and a window is approved for). */
  contentChecksum: string
  steps: StepPreview[]
  gates: PreviewGate[]
  /** What stops startRun from queueing the phase as it is now (a draft step, an empty phase…). */
  refusals: string[]
  /** What each of the plan's protected environments asks of a run, before every step. */
  environments: { name: string; protected: boolean; requires: string[] }[]
}

/**
 * Any role that may read the plan (the preview is read-only). A foreign or unknown id: not found. Memoised
 * per request: a page and its metadata share one preview.
 */
export const getPhasePreviewForViewer = cache(async function getPhasePreviewForViewer(
  actor: UserActor,
  planId: string,
  phaseId: string,
): Promise<PhasePreviewDTO> {
  assertCan(actor, 'plan:read')
  if (!ZId.safeParse(planId).success || !ZId.safeParse(phaseId).success) throw notFound('Phase')
  const phase = await db.phase.findFirst({
    where: { id: phaseId, planId },
    include: {
      steps: RUN_STEPS,
      plan: {
        select: {
          title: true,
          steps: { where: { removedAt: null }, select: { id: true, name: true } },
          environments: {
            select: {
              environment: {
                select: { name: true, protected: true, requireRehearsal: true, requireBackupHours: true },
              },
            },
          },
        },
      },
    },
  })
  if (!phase) throw notFound('Phase')
  const names = new Map(phase.plan.steps.map((s) => [s.id, s.name]))
  // Exactly what startRun would fix on the run: each step's snapshot, in run order.
  const snapshots = phase.steps.map((step, position) => snapshotOf(step, position))
  const steps: StepPreview[] = await Promise.all(
    snapshots.map(async (s, position) => {
      const { does, gate } = describeStep(s, (id) => names.get(id) ?? null)
      return {
        position,
        name: s.name,
        kind: s.kind,
        isDraft: phase.steps[position]?.isDraft ?? false,
        does: s.kind === 'MANUAL' && s.body.trim() ? [...does, `Instructions: ${s.body.trim()}`] : does,
        gate,
        sql: s.kind === 'SQL' ? await previewScript(s.body, sqlConfigOf(s.config), s.rollbackBody) : null,
      }
    }),
  )
  const refusals: string[] = []
  if (steps.length === 0) refusals.push(`“${phase.name}” has no steps to run.`)
  for (const s of steps) {
    if (s.isDraft) refusals.push(`The step “${s.name}” is a draft; it must be marked ready before a run.`)
    if (!RUNNABLE_KINDS.includes(s.kind))
      refusals.push(`The step “${s.name}” is a ${KIND_NAMES[s.kind]} step, which this version cannot run yet.`)
    if (s.sql?.refusal)
      refusals.push(`The step “${s.name}”, line ${s.sql.refusal.line}: ${s.sql.refusal.message}; the run is refused.`)
  }
  // Where a protected environment that requires a backup would check for it: the first step that can lose data.
  let firstLoss: string | null = null
  for (const s of snapshots) {
    if (s.kind === 'BACKUP' && backupConfigOf(s.config).of === 'target') break
    const loss = await firstLossOf(s)
    if (loss) {
      firstLoss = `before “${s.name}” (${loss})`
      break
    }
  }
  const contentChecksum = phaseChecksum(phase.steps)
  const environments = phase.plan.environments.map(({ environment: e }) => ({
    name: e.name,
    protected: e.protected,
    requires: e.protected
      ? [
          'a DBA starts the run, with a second factor from the last 15 minutes',
          `an approved maintenance window for this plan, active now, approved for exactly this content (${contentChecksum.slice(0, 12)}…) – checked again before every step`,
          ...(e.requireRehearsal ? ['an identical rollback rehearsal of exactly these scripts'] : []),
          ...(e.requireBackupHours && firstLoss
            ? [`a verified backup of the target younger than ${e.requireBackupHours} h, ${firstLoss}`]
            : []),
          ...(steps.some((s) => s.kind === 'SQL') ? ['no unaccepted error-level lint finding'] : []),
          // lib/engine/drift.ts, on the run's session before its first step that works on the target.
          ...(steps.some((s) => s.kind !== 'MANUAL')
            ? ['no drift of the target since its schema was last recorded, or a DBA acknowledged exactly that drift']
            : []),
        ]
      : [],
  }))
  const gates: PreviewGate[] = steps.flatMap((s) => (s.gate ? [{ step: s.position, text: s.gate }] : []))
  return {
    planId,
    planTitle: phase.plan.title,
    phaseId: phase.id,
    phaseName: phase.name,
    contentChecksum,
    steps,
    gates,
    refusals,
    environments,
  }
})
