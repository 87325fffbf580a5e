import { can } from '@/lib/auth/permissions'
import { db } from '@/lib/db'
import { formatUtc } from '@/lib/domain/words'
import type { UserActor } from '@/lib/server/actor'

// What the audit log calls the entity of each event: its name as it is now (a plan's title, a step's name, a
// user's email), or – once the entity is gone – the name the event itself kept; null when it has none, and the
// log falls back to the part of the id that tells it apart (lib/domain/short-id.ts).

const MAX_LABEL = 80
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const clip = (text: string) => (text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text)
const quoted = (name: string) => `“${clip(name)}”`

type Lookup = (ids: string[]) => Promise<{ id: string; label: string }[]>

const named = (rows: { id: string; name: string }[]) => rows.map((r) => ({ id: r.id, label: quoted(r.name) }))
const run = {
  plan: { select: { title: true } },
  phase: { select: { name: true } },
  environment: { select: { name: true } },
} as const

const LOOKUPS: Record<string, Lookup> = {
  Plan: async (ids) =>
    (await db.plan.findMany({ where: { id: { in: ids } }, select: { id: true, title: true } })).map((r) => ({
      id: r.id,
      label: quoted(r.title),
    })),
  Phase: async (ids) =>
    named(await db.phase.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
  Step: async (ids) => named(await db.step.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
  Checklist: async (ids) =>
    named(await db.checklist.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
  ChecklistItem: async (ids) =>
    (await db.checklistItem.findMany({ where: { id: { in: ids } }, select: { id: true, text: true } })).map((r) => ({
      id: r.id,
      label: quoted(r.text),
    })),
  Risk: async (ids) =>
    (await db.risk.findMany({ where: { id: { in: ids } }, select: { id: true, title: true } })).map((r) => ({
      id: r.id,
      label: quoted(r.title),
    })),
  SuccessCriterion: async (ids) =>
    (await db.successCriterion.findMany({ where: { id: { in: ids } }, select: { id: true, text: true } })).map((r) => ({
      id: r.id,
      label: quoted(r.text),
    })),
  RollbackTrigger: async (ids) =>
    (await db.rollbackTrigger.findMany({ where: { id: { in: ids } }, select: { id: true, text: true } })).map((r) => ({
      id: r.id,
      label: quoted(r.text),
    })),
  ValidationRule: async (ids) =>
    named(await db.validationRule.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
  ApiToken: async (ids) =>
    named(await db.apiToken.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
  Environment: async (ids) =>
    named(await db.environment.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
  Connection: async (ids) =>
    named(await db.connection.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
  PlanEnvironment: async (ids) =>
    (
      await db.planEnvironment.findMany({
        where: { id: { in: ids } },
        select: { id: true, plan: { select: { title: true } }, environment: { select: { name: true } } },
      })
    ).map((r) => ({
      id: r.id,
      label: `${quoted(r.plan.title)} › ${quoted(r.environment.name)}`,
    })),
  Run: async (ids) =>
    (await db.run.findMany({ where: { id: { in: ids } }, select: { id: true, ...run } })).map((r) => ({
      id: r.id,
      label: `${quoted(r.plan.title)} › ${quoted(r.phase.name)} › ${quoted(r.environment.name)}`,
    })),
  RollbackRehearsal: async (ids) =>
    (await db.rollbackRehearsal.findMany({ where: { id: { in: ids } }, select: { id: true, ...run } })).map((r) => ({
      id: r.id,
      label: `${quoted(r.plan.title)} › ${quoted(r.phase.name)} › ${quoted(r.environment.name)}`,
    })),
  Validation: async (ids) =>
    (
      await db.validation.findMany({
        where: { id: { in: ids } },
        select: { id: true, plan: { select: { title: true } }, environment: { select: { name: true } } },
      })
    ).map((r) => ({
      id: r.id,
      label: `${quoted(r.plan.title)} › ${quoted(r.environment.name)}`,
    })),
  MaintenanceWindow: async (ids) =>
    (
      await db.maintenanceWindow.findMany({
        where: { id: { in: ids } },
        select: { id: true, startsAt: true, environment: { select: { name: true } } },
      })
    ).map((r) => ({
      id: r.id,
      label: `${quoted(r.environment.name)} from ${formatUtc(r.startsAt.toISOString())}`,
    })),
  Restore: async (ids) =>
    (await db.restore.findMany({ where: { id: { in: ids } }, select: { id: true, connectionName: true } })).map(
      (r) => ({ id: r.id, label: `onto ${quoted(r.connectionName)}` }),
    ),
  ReportSnapshot: async (ids) =>
    (
      await db.reportSnapshot.findMany({
        where: { id: { in: ids } },
        select: { id: true, takenAt: true, plan: { select: { title: true } } },
      })
    ).map((r) => ({
      id: r.id,
      label: `${quoted(r.plan.title)} at ${formatUtc(r.takenAt.toISOString())}`,
    })),
}

/** A user is named by their email, and only to those who manage users. */
const userLookup: Lookup = async (ids) =>
  (await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } })).map((r) => ({
    id: r.id,
    label: r.email,
  }))

/** The name an event kept of its entity (the one a deletion recorded), when it kept one. */
function keptName(event: { entityType: string; before: unknown; after: unknown }): string | null {
  for (const side of [event.after, event.before]) {
    if (!side || typeof side !== 'object') continue
    const record = side as Record<string, unknown>
    for (const key of ['title', 'name', 'text']) {
      const value = record[key]
      if (typeof value === 'string' && value.trim()) return quoted(value)
    }
  }
  return null
}

export type LabelledEvent = { entityType: string; entityId: string | null; before: unknown; after: unknown }

/**
 * For the audit log (callers have checked `audit:read`): each event's entity label, in the events' order. User
 * rows are read only for an actor who may manage users; anyone else sees a user as the part of its id.
 */
export async function entityLabels(actor: UserActor, events: readonly LabelledEvent[]): Promise<(string | null)[]> {
  const lookups: Record<string, Lookup> = can(actor.role, 'user:manage') ? { ...LOOKUPS, User: userLookup } : LOOKUPS
  const idsByType = new Map<string, Set<string>>()
  for (const e of events) {
    if (!e.entityId || !UUID.test(e.entityId) || !Object.hasOwn(lookups, e.entityType)) continue
    const ids = idsByType.get(e.entityType) ?? new Set<string>()
    ids.add(e.entityId)
    idsByType.set(e.entityType, ids)
  }
  const found = new Map<string, string>()
  await Promise.all(
    [...idsByType].map(async ([type, ids]) => {
      const lookup = lookups[type]
      for (const { id, label } of lookup ? await lookup([...ids]) : []) found.set(`${type}:${id}`, label)
    }),
  )
  return events.map(
    (e) =>
      (e.entityId ? found.get(`${e.entityType}:${e.entityId}`) : undefined) ??
      (e.entityType === 'User' ? null : keptName(e)),
  )
}
