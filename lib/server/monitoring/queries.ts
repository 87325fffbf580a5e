import 'server-only'
import { can } from '@/lib/auth/permissions'
import { db } from '@/lib/db'
import { evaluateHealth, type HealthReport, type TriggerInput } from '@/lib/domain/health'
import type { MetricValues } from '@/lib/domain/metrics'
import { latestSample, loadSeries, thin } from './series'
import type { SampleData } from '@/lib/domain/monitor-sample'
import type { ConnectionEngine } from '@/lib/generated/prisma/enums'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'
import { ENDED_RUN_STATES, isEndedRun } from '@/lib/domain/states/run'
import { runFiguresOf, type RunFiguresDTO } from './run-figures'
import { syncsIntoConnection, type SyncDTO } from '@/lib/server/syncs/queries'

// Presenters of the monitoring views: a connection's recent samples as chart points, its newest whole
// sample (sessions, locks, progress, statements), its health against the rollback triggers of the plans
// that target it, and for a run the same around the run with the run's own figures.

export const MONITOR_MINUTES = [5, 15, 60] as const
/** A view counts as watching for this long after each poll: the worker samples the connection meanwhile. */
export const WATCH_LEASE_MS = 60_000
const LIVE_SAMPLE_MS = 15_000
const HIDDEN = '(statement hidden: only editors see other sessions’ statements)'

export type MonitorDTO = {
  title: string
  connection: { id: string; name: string; engine: ConnectionEngine; environmentName: string } | null
  from: string
  now: string
  points: { at: string; ok: boolean; values: MetricValues }[]
  /** The newest sample failed: why. */
  unreachable: string | null
  /** A sample arrived in the last few seconds. */
  live: boolean
  current: (SampleData & { at: string }) | null
  health: HealthReport
  run: RunFiguresDTO | null
  /** A connection's view: the syncs that copy into it and follow their sources (their lag). */
  syncs: SyncDTO[]
  /** DBAs may cancel or terminate a blocking backend. */
  canSignal: boolean
}

function redact(data: SampleData, visible: boolean): SampleData {
  if (visible || data.kind !== 'postgres') return data
  const sample = data.sample
  return {
    ...data,
    sample: {
      ...sample,
      role: '',
      blocked: sample.blocked.map((b) => ({ ...b, blockedQuery: HIDDEN, blockingQuery: HIDDEN })),
      statements: sample.statements.available
        ? { available: true, top: sample.statements.top.map((s) => ({ ...s, query: HIDDEN })) }
        : sample.statements,
    },
  }
}

/** Health reasons quote a failed sample's error; for non-editors it is only said that the database did not answer. */
const redactHealth = (health: HealthReport, editor: boolean): HealthReport =>
  editor
    ? health
    : {
        ...health,
        reasons: health.reasons.map((r) => r.replace(/^(The database could not be sampled at [\d:]+): .*$/, '$1.')),
      }

const triggerInputs = (
  triggers: {
    id: string
    text: string
    metric: string | null
    comparator: TriggerInput['comparator']
    threshold: number | null
    sustainedSeconds: number
  }[],
  prefix = '',
) => triggers.map((t) => ({ ...t, text: prefix + t.text }))

async function present(
  actor: UserActor,
  args: {
    title: string
    connection: MonitorDTO['connection']
    triggers: TriggerInput[]
    from: Date
    to: Date | null
    run: RunFiguresDTO | null
    syncs?: SyncDTO[]
  },
): Promise<MonitorDTO> {
  const now = new Date()
  const to = args.to ?? now
  const points = args.connection ? await loadSeries(args.connection.id, args.from, to) : []
  const last = points.at(-1)
  const current = args.connection
    ? await latestSample(args.connection.id, new Date(to.getTime() - LIVE_SAMPLE_MS))
    : null
  // Connection errors name hosts, ports and users: editors' business only.
  const editor = can(actor.role, 'connection:read')
  return {
    title: args.title,
    connection: args.connection,
    from: args.from.toISOString(),
    now: now.toISOString(),
    points: thin(points).map((p) => ({ at: new Date(p.at).toISOString(), ok: p.ok, values: p.values })),
    unreachable: last && !last.ok ? (editor ? (last.error ?? 'unreachable') : 'the database does not answer') : null,
    live: !!last && now.getTime() - last.at < LIVE_SAMPLE_MS,
    current: current ? { ...redact(current.data, editor), at: current.at.toISOString() } : null,
    health: redactHealth(
      evaluateHealth(args.triggers, points, args.to ? {} : { now: now.getTime(), staleAfterMs: LIVE_SAMPLE_MS * 2 }),
      editor,
    ),
    run: args.run,
    syncs: args.syncs ?? [],
    canSignal:
      !!args.connection && args.connection.engine === 'POSTGRES' && can(actor.role, 'connection:manage') && !args.to,
  }
}

/** Editors: a connection's monitoring over the last `minutes`; the worker samples it while the view polls. */
export async function getConnectionMonitor(
  actor: UserActor,
  connectionId: string,
  minutes: number,
): Promise<MonitorDTO> {
  assertCan(actor, 'connection:read')
  if (!ZId.safeParse(connectionId).success) throw notFound('Connection')
  const connection = await db.connection.findUnique({
    where: { id: connectionId },
    include: {
      environment: { select: { name: true } },
      targetFor: { include: { plan: { select: { title: true, rollbackTriggers: { orderBy: { position: 'asc' } } } } } },
    },
  })
  if (!connection) throw notFound('Connection')
  const now = new Date()
  await db.connection.update({
    where: { id: connection.id },
    data: { watchedUntil: new Date(now.getTime() + WATCH_LEASE_MS) },
  })
  return present(actor, {
    title: connection.name,
    connection: {
      id: connection.id,
      name: connection.name,
      engine: connection.engine,
      environmentName: connection.environment.name,
    },
    triggers: connection.targetFor.flatMap((m) => triggerInputs(m.plan.rollbackTriggers, `${m.plan.title}: `)),
    from: new Date(now.getTime() - minutes * 60_000),
    to: null,
    run: null,
    syncs: await syncsIntoConnection(actor, connection.id),
  })
}

/** Everyone who reads runs: the run's target around the run, the plan's triggers and the run's own figures. */
export async function getRunMonitor(actor: UserActor, runId: string): Promise<MonitorDTO> {
  assertCan(actor, 'run:read')
  if (!ZId.safeParse(runId).success) throw notFound('Run')
  const run = await db.run.findUnique({
    where: { id: runId },
    include: {
      plan: {
        select: {
          title: true,
          rollbackTriggers: { orderBy: { position: 'asc' } },
          environments: { include: { targetConnection: { include: { environment: { select: { name: true } } } } } },
        },
      },
      phase: { select: { name: true } },
      environment: { select: { name: true } },
    },
  })
  if (!run) throw notFound('Run')
  const target = run.plan.environments.find((e) => e.environmentId === run.environmentId)?.targetConnection ?? null
  const finished = isEndedRun(run.status) && run.finishedAt
  const start = run.startedAt ?? run.createdAt
  return present(actor, {
    title: `${run.plan.title} · ${run.phase.name} on ${run.environment.name}`,
    connection: target
      ? { id: target.id, name: target.name, engine: target.engine, environmentName: target.environment.name }
      : null,
    triggers: triggerInputs(run.plan.rollbackTriggers),
    from: new Date(start.getTime() - 60_000),
    to: finished ? new Date((run.finishedAt as Date).getTime() + 30_000) : null,
    run: await runFiguresOf(run.id),
  })
}

export type PlanHealthDTO = {
  environmentName: string
  connectionId: string
  runId: string | null
  health: HealthReport
}[]

/** Everyone who reads plans: the health of each of the plan's targets sampled in the last 5 minutes. */
export async function getPlanHealth(actor: UserActor, planId: string): Promise<PlanHealthDTO> {
  assertCan(actor, 'plan:read')
  if (!ZId.safeParse(planId).success) throw notFound('Plan')
  const plan = await db.plan.findUnique({
    where: { id: planId },
    select: {
      rollbackTriggers: { orderBy: { position: 'asc' } },
      environments: {
        select: { environmentId: true, environment: { select: { name: true } }, targetConnectionId: true },
      },
    },
  })
  if (!plan) throw notFound('Plan')
  const now = Date.now()
  const result: PlanHealthDTO = []
  for (const mapping of plan.environments) {
    if (!mapping.targetConnectionId) continue
    const points = await loadSeries(mapping.targetConnectionId, new Date(now - 5 * 60_000))
    if (!points.length) continue
    const live = await db.run.findFirst({
      where: { planId, environmentId: mapping.environmentId, status: { notIn: [...ENDED_RUN_STATES] } },
      orderBy: { createdAt: 'desc' },
      select: { id: true },
    })
    result.push({
      environmentName: mapping.environment.name,
      connectionId: mapping.targetConnectionId,
      runId: live?.id ?? null,
      health: redactHealth(
        evaluateHealth(triggerInputs(plan.rollbackTriggers), points, { now, staleAfterMs: LIVE_SAMPLE_MS * 2 }),
        can(actor.role, 'connection:read'),
      ),
    })
  }
  return result
}
