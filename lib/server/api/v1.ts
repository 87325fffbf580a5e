import 'server-only'
import { db } from '@/lib/db'
import { SCOPE_NAMES } from '@/lib/auth/scopes'
import type { TokenRequest } from '@/lib/server/tokens/authenticate'
import { putSqlStep } from '@/lib/server/plans/put-sql-step'
import { getRun } from '@/lib/server/runs/queries'
import { getPhasePreviewForViewer } from '@/lib/server/runs/preview'
import { notFound } from '@/lib/server/errors'
import { requestWindow, runPermission } from '@/lib/server/windows/commands'
import type { TPostWindow, TPutSqlStep } from '@/lib/api/v1/schemas'

// What the /api/v1 routes (lib/api/v1) do beyond one data-layer call: each shapes the answer into the contract's.

export const me = ({ actor, expiresAt }: TokenRequest) => ({
  id: actor.id,
  email: actor.email,
  name: actor.name,
  role: actor.role,
  token: {
    id: actor.token.id,
    name: actor.token.name,
    scopes: actor.token.scopes.map((s) => SCOPE_NAMES[s]),
    expiresAt: expiresAt?.toISOString() ?? null,
  },
})

export const putSqlStepOf = (auth: TokenRequest, ids: { planId: string; phaseId: string }, body: TPutSqlStep) =>
  putSqlStep(auth.actor, {
    ...ids,
    name: body.name,
    script: body.script,
    rollbackScript: body.rollbackScript ?? null,
    allowAppliedChange: body.allowAppliedChange ?? false,
  })

export async function postWindow(auth: TokenRequest, planId: string, body: TPostWindow) {
  const { id } = await requestWindow(auth.actor, {
    planId,
    environmentId: body.environmentId,
    phaseId: body.phaseId ?? null,
    startsAt: new Date(body.startsAt),
    endsAt: new Date(body.endsAt),
    latestStartAt: null,
    reason: body.reason,
    expectedImpact: '',
  })
  const w = await db.maintenanceWindow.findUniqueOrThrow({ where: { id } })
  return { id: w.id, status: w.status, startsAt: w.startsAt.toISOString(), endsAt: w.endsAt.toISOString() }
}

/** The preview, and whether a run may start on the environment now as far as windows go. */
export async function previewOf(auth: TokenRequest, ids: { planId: string; phaseId: string }, environmentId: string) {
  const preview = await getPhasePreviewForViewer(auth.actor, ids.planId, ids.phaseId)
  const environment = await db.environment.findUnique({
    where: { id: environmentId },
    select: { id: true, name: true, protected: true, plans: { where: { planId: ids.planId }, select: { id: true } } },
  })
  if (!environment) throw notFound('Environment')
  const permission = await runPermission(ids.phaseId, environmentId)
  return {
    ...preview,
    environment: {
      id: environment.id,
      name: environment.name,
      protected: environment.protected,
      inPlan: environment.plans.length > 0,
      window: permission.allowed ? { allowed: true } : { allowed: false, reason: permission.reason },
    },
  }
}

export const runUrl = (request: Request, runId: string) => new URL(`/runs/${runId}`, request.url).toString()

/** The run as the contract has it: the run page's data (authorized and withheld as there) and its ids. */
export async function runState(auth: TokenRequest, request: Request, runId: string) {
  const run = await getRun(auth.actor, runId)
  const ids = await db.run.findUniqueOrThrow({
    where: { id: runId },
    select: { planId: true, phaseId: true, environmentId: true },
  })
  return {
    id: run.id,
    ...ids,
    status: run.status,
    dryRun: run.dryRun,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error: run.error,
    steps: run.steps.map((s) => ({ id: s.id, name: s.name, kind: s.kind, status: s.status, error: s.error })),
    url: runUrl(request, run.id),
    plan: run.plan,
    phaseName: run.phaseName,
    environment: run.environment,
  }
}
