import type { Tx } from '@/lib/db'
import { publicUrl } from '@/lib/env'
import type { WebhookEvent } from '@/lib/generated/prisma/enums'
import type { ValidationReport } from '@/lib/domain/validation-report'
import { emit } from './emit'

// What each event's payload says, read in the transaction that emits it. Names, ids, states and links only:
// a run's error text is left out (a database's message can quote the row it refused) – the link leads to it.

type RunEvent = Extract<
  WebhookEvent,
  'RUN_STARTED' | 'RUN_SUCCEEDED' | 'RUN_FAILED' | 'RUN_WAITING_AT_GATE' | 'ROLLBACK_TRIGGER_FIRED'
>

/** For the engine, in the transaction that moves the run: its plan, phase, environment and state. */
export function emitRunEvent(tx: Tx, runId: string, event: RunEvent, extra: Record<string, unknown> = {}) {
  return emit(tx, event, async () => {
    const run = await tx.run.findUniqueOrThrow({
      where: { id: runId },
      select: {
        id: true,
        status: true,
        dryRun: true,
        startedAt: true,
        finishedAt: true,
        plan: { select: { id: true, title: true } },
        phase: { select: { id: true, name: true } },
        environment: { select: { id: true, name: true, protected: true } },
        requestedBy: { select: { name: true } },
        // The step the event is about: the gate it waits at, the step that failed.
        steps: {
          where: { status: { in: ['WAITING', 'FAILED'] } },
          orderBy: { position: 'desc' },
          take: 1,
          select: { name: true, kind: true, position: true, status: true },
        },
      },
    })
    return {
      plan: run.plan,
      phase: run.phase,
      environment: run.environment,
      run: {
        id: run.id,
        status: run.status,
        dryRun: run.dryRun,
        requestedBy: run.requestedBy.name,
        startedAt: run.startedAt?.toISOString() ?? null,
        finishedAt: run.finishedAt?.toISOString() ?? null,
        url: publicUrl(`/runs/${run.id}`),
      },
      step: run.steps[0] ?? null,
      ...extra,
    }
  })
}

/** In the transaction that requests or decides the window. */
export function emitWindowEvent(tx: Tx, windowId: string, event: 'WINDOW_REQUESTED' | 'WINDOW_DECIDED') {
  return emit(tx, event, async () => {
    const w = await tx.maintenanceWindow.findUniqueOrThrow({
      where: { id: windowId },
      select: {
        id: true,
        status: true,
        startsAt: true,
        endsAt: true,
        reason: true,
        decisionNote: true,
        plan: { select: { id: true, title: true } },
        phase: { select: { id: true, name: true } },
        environment: { select: { id: true, name: true, protected: true } },
        requestedBy: { select: { name: true } },
        decidedBy: { select: { name: true } },
      },
    })
    return {
      plan: w.plan,
      phase: w.phase,
      environment: w.environment,
      window: {
        id: w.id,
        status: w.status,
        startsAt: w.startsAt.toISOString(),
        endsAt: w.endsAt.toISOString(),
        reason: w.reason,
        requestedBy: w.requestedBy.name,
        ...(event === 'WINDOW_DECIDED' ? { decidedBy: w.decidedBy?.name ?? null, note: w.decisionNote } : {}),
        url: publicUrl('/windows'),
      },
    }
  })
}

/** In the transaction that ends a validation FAILED or ERROR: counts and names of what did not match, never rows. */
export function emitValidationFailed(tx: Tx, validationId: string, report: ValidationReport | null) {
  return emit(tx, 'VALIDATION_FAILED', async () => {
    const v = await tx.validation.findUniqueOrThrow({
      where: { id: validationId },
      select: {
        id: true,
        status: true,
        stepRun: { select: { runId: true } },
        plan: { select: { id: true, title: true } },
        environment: { select: { id: true, name: true, protected: true } },
      },
    })
    return {
      plan: v.plan,
      environment: v.environment,
      validation: {
        id: v.id,
        status: v.status,
        runId: v.stepRun?.runId ?? null,
        tables: report?.tables.length ?? 0,
        differingTables: (report?.tables ?? [])
          .filter((t) => t.missing + t.extra + t.changed > 0 || t.error)
          .slice(0, 20)
          .map((t) => ({ table: t.table, missing: t.missing, extra: t.extra, changed: t.changed })),
        integrityFindings: report?.integrity.length ?? 0,
        failedRules: (report?.rules ?? []).filter((r) => !r.passed && r.action === 'fail').map((r) => r.name),
        url: publicUrl(`/plans/${v.plan.id}/validation`),
      },
    }
  })
}

/** In the transaction that records a drift unlike the connection's previous one: what changed, by name. */
export function emitDriftFound(
  tx: Tx,
  check: { id: string; connectionId: string; objects: { object: string; kind: string }[] },
) {
  return emit(tx, 'DRIFT_FOUND', async () => {
    const c = await tx.connection.findUniqueOrThrow({
      where: { id: check.connectionId },
      select: { id: true, name: true, environment: { select: { id: true, name: true, protected: true } } },
    })
    return {
      connection: { id: c.id, name: c.name },
      environment: c.environment,
      drift: {
        checkId: check.id,
        objects: check.objects.length,
        changes: check.objects.slice(0, 20).map((o) => ({ object: o.object, kind: o.kind })),
        url: publicUrl(`/connections/${c.id}/drift`),
      },
    }
  })
}
