import type pg from 'pg'
import { setTimeout as sleep } from 'node:timers/promises'
import { Cancelled } from '@/lib/targets/sql/session'
import { copyPart, scheduler, tooManyRejected, type LoadContext, type LoadOutcome, type RejectedColumn } from './load'
import type { ChunkReader, RejectedRow } from './model'
import { loadCopyState, loadPartState, type PartState } from './state'
import type { TablePlan } from './table-plans'

// A copy whose parts any worker may load: the run's worker (the coordinator) publishes the parts as units in
// Lockstep's database, loads some itself, and waits until the target's record says every part is done; other
// workers claim units and load them with the same code (copyUnit). The target stays the truth of where a part
// got to – each chunk commits with its part's last key – so a part taken over after its worker died resumes
// after that worker's last committed chunk, and a session-level advisory lock per part on the target keeps
// two workers from ever writing one part at once, whatever the claims say.

/** A unit this worker claimed: a part of a table. */
export type ClaimedUnit = { id: string; table: string; part: number }

export type UnitState = {
  table: string
  part: number
  state: 'QUEUED' | 'CLAIMED' | 'DONE' | 'FAILED'
  workerId: string | null
  error: string | null
}

/**
 * The queue of a copy's units (lib/engine/copy-units.ts keeps it in Lockstep's database). A shape of its own
 * because the copy engine also runs where there is no such database (`lockstep copy`), loading in-process.
 */
export interface CopyUnits {
  /** How long a claim holds unless renewed; renewed every third of it while its part is loaded. */
  readonly leaseMs: number
  /**
   * Publishes parts as units: new ones queued, failed ones queued again, those done on the target done.
   * `position`: the order they are best taken in.
   */
  publish(copyId: string, schema: string, parts: readonly { part: PartState; position: number }[]): Promise<void>
  /** Claims a unit of this copy that is queued, or whose lease ran out; null when there is none. */
  claim(copyId: string): Promise<ClaimedUnit | null>
  /** Renews the claim with the part's figures; false when the unit is no longer this worker's to load. */
  renew(unit: ClaimedUnit, part: PartState): Promise<boolean>
  /** Gives a unit back to the queue, to be claimed again no sooner than `afterMs` from now. */
  release(unit: ClaimedUnit, afterMs: number): Promise<void>
  finish(unit: ClaimedUnit, outcome: { part: PartState } | { error: string }): Promise<void>
  states(copyId: string): Promise<UnitState[]>
  /** The rows every worker rejected so far, per column. */
  rejectedColumns(copyId: string): Promise<RejectedColumn[]>
}

/**
 * Records the parts as the target has them – every one done once the load is over – so that no worker takes a
 * part of a loaded copy up again (units a dead coordinator left claimed, or of a copy resumed past its load).
 * Lockstep's database unreachable, they stay as they are: a worker taking one finds its part done on the target.
 */
export async function settleUnits(units: CopyUnits, copyId: string, schema: string, parts: readonly PartState[]) {
  await units
    .publish(
      copyId,
      schema,
      parts.map((part, position) => ({ part, position })),
    )
    .catch(() => undefined)
}

/** What loading units takes, in the coordinator and in a worker helping it. */
export type UnitWork = {
  copyId: string
  chunkRows: number
  units: CopyUnits
  planOf: (table: string) => Promise<TablePlan>
  onRejects?: (rejects: RejectedRow[]) => Promise<void>
  signal?: AbortSignal
  /** False stops between chunks (the coordinator's load ended); the unit goes back to the queue. */
  proceed?: () => boolean
}

/** How loading a unit ended: its part done, left to the writer already on it, or stopped and given back. */
export type UnitOutcome = 'done' | 'busy' | 'stopped'

const lockArgs = (copyId: string, table: string, part: number) => [`lockstep copy ${copyId}`, `${table}/${part}`]

/**
 * Loads one part – from where the target's record says it got to – holding the part's advisory lock on the
 * target and, when it came from the queue, renewing its claim. Throws the part's failure after recording it
 * on the unit (its message names the table).
 */
export async function copyUnit(
  work: UnitWork,
  client: pg.Client,
  reader: ChunkReader,
  table: string,
  index: number,
  unit: ClaimedUnit | null,
): Promise<UnitOutcome> {
  const { units, copyId } = work
  const args = lockArgs(copyId, table, index)
  const { rows } = await client.query<{ ok: boolean }>(
    'SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS ok',
    args,
  )
  if (!rows[0]?.ok) {
    // A worker whose claim ran out may still be finishing its chunk: the part is left to it for a while.
    if (unit) await units.release(unit, units.leaseMs / 3).catch(() => undefined)
    return 'busy'
  }
  let held = true
  let renewal: NodeJS.Timeout | undefined
  try {
    const part = await loadPartState(client, copyId, table, index)
    if (!part) throw new Error(`${table}: the target has no record of part ${index} of this copy.`)
    // A failing renewal (Lockstep's database unreachable) keeps the part going: the target records it, and
    // its lock keeps anyone else off it. Only a unit that is no longer this worker's stops it.
    const renew = async () => {
      if (unit) held = await units.renew(unit, part).catch(() => held)
    }
    renewal = setInterval(() => void renew(), units.leaseMs / 3)
    await copyPart({
      client,
      reader,
      plan: await work.planOf(table),
      part,
      copyId,
      chunkRows: work.chunkRows,
      onRejects: work.onRejects,
      proceed: () => {
        if (work.signal?.aborted) throw new Cancelled()
        return held && (work.proceed?.() ?? true)
      },
      committed: renew,
    })
    if (part.done) {
      if (unit) await units.finish(unit, { part }).catch(() => undefined)
      return 'done'
    }
    if (unit && held) await units.release(unit, 0).catch(() => undefined)
    return 'stopped'
  } catch (error) {
    if (unit && error instanceof Cancelled) await units.release(unit, 0).catch(() => undefined)
    else if (unit) await units.finish(unit, { error: (error as Error).message }).catch(() => undefined)
    throw error
  } finally {
    clearInterval(renewal)
    await client.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', args).catch(() => undefined)
  }
}

/**
 * The coordinator's load: publishes the parts as units (into existing tables, a table's parts once its parents
 * are loaded), loads units itself on its connections, and every second reads the target's record (which says
 * when every part is done) and the units (a failed one fails the copy; those claimed say how many workers load).
 * With Lockstep's database unreachable it goes on alone, part by part, from the target's record.
 */
export async function loadShared(context: LoadContext, units: CopyUnits): Promise<LoadOutcome> {
  const { o, schema, state, tracker, connections } = context
  const { ready } = await scheduler(context)
  const outcome: LoadOutcome = { failure: null, cancelled: false }
  const key = (p: { table: string; part: number }) => `${p.table}/${p.part}`
  const parts = new Map(state.parts.map((p) => [key(p), p]))
  // Largest tables first, as the in-process load takes them.
  const order = [...state.parts].sort(
    (a, b) =>
      (context.plans.get(b.table)?.source.rows ?? 0) - (context.plans.get(a.table)?.source.rows ?? 0) ||
      a.part - b.part,
  )
  const published = new Set<string>()
  const offline = new Set<string>()
  let finished = state.parts.every((p) => p.done)
  const going = () => !finished && !outcome.failure && !outcome.cancelled

  const publish = async () => {
    let fresh = order.filter((p) => !published.has(key(p)) && (p.done || ready(p)))
    // A cycle of references: its parts go anyway, once nothing published is left to load (as in-process).
    if (fresh.length === 0 && order.every((p) => p.done || !published.has(key(p))))
      fresh = order.filter((p) => !published.has(key(p))).slice(0, 1)
    if (fresh.length === 0) return
    await units.publish(
      o.copyId,
      schema,
      fresh.map((part) => ({ part, position: order.indexOf(part) })),
    )
    for (const p of fresh) published.add(key(p))
  }

  const tick = async () => {
    if (o.signal?.aborted) outcome.cancelled = true
    const record = await loadCopyState(o.session, o.copyId)
    for (const r of record?.parts ?? []) {
      const p = parts.get(key(r))
      if (p) Object.assign(p, { written: r.written, rejected: r.rejected, lastKey: r.lastKey, done: r.done })
    }
    finished = state.parts.every((p) => p.done)
    if (o.maxRejectedRows != null && tracker.rejected() > o.maxRejectedRows && !outcome.failure) {
      const columns = await units.rejectedColumns(o.copyId).catch(() => [])
      outcome.failure = tooManyRejected(tracker.rejected(), o.maxRejectedRows, columns)
    }
    try {
      const now = await units.states(o.copyId)
      // A unit an earlier attempt left failed counts once this attempt published it again (and it failed anew).
      const failed = now.find((u) => u.state === 'FAILED' && published.has(key(u)) && !parts.get(key(u))?.done)
      if (failed) outcome.failure ??= failed.error ?? `${failed.table}: part ${failed.part} failed.`
      const claimed = now.filter((u) => u.state === 'CLAIMED')
      tracker.workers = new Set(claimed.map((u) => u.workerId)).size
      for (const u of claimed) if (tracker.states.get(u.table) === 'pending') tracker.begin(u.table)
      if (going()) await publish()
    } catch {
      // Lockstep's database unreachable: the figures wait, the load goes on from the target's record.
    }
    for (const t of context.tables)
      if (tracker.states.get(t.name) !== 'done' && state.parts.every((p) => p.table !== t.name || p.done))
        tracker.end(t.name, 'done')
  }

  const planOf = async (table: string) => {
    const plan = context.plans.get(table)
    if (!plan) throw new Error(`No plan for the table ${table}.`)
    return plan
  }
  const work: UnitWork = {
    copyId: o.copyId,
    chunkRows: context.chunkRows,
    units,
    planOf,
    onRejects: o.onRejects,
    signal: o.signal,
    proceed: going,
  }

  const job = async (client: pg.Client) => {
    const reader = await o.source.reader()
    try {
      while (going()) {
        const unit = await units.claim(o.copyId).catch(() => 'offline' as const)
        if (unit === 'offline') {
          // No queue to claim from: a part not being loaded here; its advisory lock says whether a worker has it.
          const part = order.find((p) => !p.done && ready(p) && !offline.has(key(p)))
          if (!part) {
            await sleep(1_000)
            continue
          }
          offline.add(key(part))
          try {
            tracker.begin(part.table)
            if ((await copyUnit(work, client, reader, part.table, part.part, null)) === 'busy') await sleep(1_000)
          } finally {
            offline.delete(key(part))
          }
          continue
        }
        if (!unit) {
          await sleep(250)
          continue
        }
        tracker.begin(unit.table)
        if ((await copyUnit(work, client, reader, unit.table, unit.part, unit)) === 'busy') await sleep(250)
      }
    } catch (error) {
      if (error instanceof Cancelled) outcome.cancelled = true
      else outcome.failure ??= (error as Error).message
    } finally {
      await reader.close()
    }
  }
  const monitor = async () => {
    while (going()) {
      await tick().catch((error: unknown) => {
        if (!going()) return
        outcome.failure ??= `Reading the copy's record on the target failed: ${(error as Error).message}`
      })
      if (going()) await sleep(1_000)
    }
  }
  await publish().catch(() => undefined)
  await Promise.all([monitor(), ...connections.map(job)])
  tracker.workers = 0
  return outcome
}
