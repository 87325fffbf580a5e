import { sweepDrift } from './drift'
import { createEmailSender, EMAIL_EVERY_MS } from './email'
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { db } from '@/lib/db'
import { appEnv } from '@/lib/env'
import type { SystemActor } from '@/lib/server/actor'
import { takeDailySnapshots, watchReportStatuses } from '@/lib/server/reports/snapshots'
import { expireWindows } from '@/lib/server/windows/commands'
import { releaseRun } from '@/lib/server/runs/transition'
import { markInterrupted } from './runs'
import { requeueValidations } from './validations'
import { pruneBackups } from './backup/artifacts'
import { failAbandonedRehearsals } from './rehearsals'
import { createSampler, SAMPLE_EVERY_MS } from './monitor/sampler'
import { WORKER_LANES, type WorkerJob, type WorkerLane } from './worker-jobs'
import { createFollowers } from './syncs'
import { deliverDue } from './webhooks'
import { shortId } from '@/lib/domain/short-id'

export type WorkerHandle = { id: string; stop: () => Promise<void> }

// Prisma's messages start with a blank line and the call site; the cause is on the last non-empty one.
const firstLine = (error: unknown) => {
  const lines = String((error as Error)?.message ?? error)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  return (/invocation/.test(lines[0] ?? '') ? lines.at(-1) : lines[0]) ?? 'unknown error'
}

/**
 * Starts the worker loop in this process. It announces itself with a heartbeat row (the UI shows whether
 * execution is possible; other workers tell from it whether this one died), expires windows, and claims
 * queued runs, requested rollbacks and validations one at a time, and samples the health of the
 * connections that matter now.
 */
export async function startWorker(log: (line: string) => void = console.log): Promise<WorkerHandle> {
  const id = randomUUID()
  const startedAt = new Date()
  const interval = appEnv().WORKER_HEARTBEAT_MS
  // Before anything starts: a malformed SMTP_URL or EMAIL_FROM stops the worker with the setting's name.
  const emailSender = createEmailSender(log)
  const beat = () =>
    db.workerHeartbeat.upsert({
      where: { id },
      create: { id, hostname: hostname(), pid: process.pid, startedAt, lastSeenAt: new Date() },
      update: { lastSeenAt: new Date() },
    })
  await beat()
  // Rows of workers that stopped long ago are noise in the status view.
  await db.workerHeartbeat.deleteMany({ where: { lastSeenAt: { lt: new Date(Date.now() - 24 * 3600_000) } } })
  log(`worker ${shortId(id)} ready (pid ${process.pid})`)

  // Maintenance windows whose time has passed expire by themselves (each with its audit event).
  const actor: SystemActor = { kind: 'system', label: 'worker', origin: hostname() }
  const sweep = () =>
    expireWindows(actor)
      .then((n) => n && log(`expired ${n} maintenance window${n === 1 ? '' : 's'}`))
      .catch((error: Error) => log(`window sweep failed: ${firstLine(error)}`))
  await sweep()

  // Each plan's report status is watched (a change notifies people) and snapshotted once a day.
  let reporting = false
  const report = async () => {
    if (reporting || stopping) return
    reporting = true
    try {
      const changed = await watchReportStatuses(actor)
      if (changed) log(`${changed} plan${changed === 1 ? '' : 's'} changed report status`)
      const taken = await takeDailySnapshots()
      if (taken) log(`took ${taken} daily report snapshot${taken === 1 ? '' : 's'}`)
    } catch (error) {
      log(`report watch failed: ${firstLine(error)}`)
    } finally {
      reporting = false
    }
  }

  // Runs a worker held when it died are interrupted, then claimed and resumed like queued ones – checked
  // at start and on every heartbeat, since a worker can die while this one runs.
  const reclaim = () =>
    Promise.all([
      markInterrupted(interval * 3),
      requeueValidations(interval * 3),
      failAbandonedRehearsals(interval * 3),
    ])
      .then(([n, v, r]) => {
        if (n) log(`marked ${n} run${n === 1 ? '' : 's'} of a stopped worker interrupted`)
        if (v) log(`queued ${v} validation${v === 1 ? '' : 's'} of a stopped worker again`)
        if (r) log(`failed ${r} rehearsal${r === 1 ? '' : 's'} of a stopped worker`)
      })
      .catch((error: Error) => log(`interrupted-run check failed: ${firstLine(error)}`))
  await reclaim()
  let stopping = false
  void report()
  // The lanes of jobs (./worker-jobs.ts) share one loop; runs are launched side by side up to this limit.
  const limit = appEnv().WORKER_CONCURRENCY
  const active = new Set<Promise<void>>()
  // Not left held under a live heartbeat for ever: a run that stopped on an error is interrupted (and resumed),
  // a rollback released to be taken again. When Lockstep's own database is what failed, that waits until it
  // answers again: every heartbeat tries the runs still to release.
  const unreleased = new Set<string>()
  const release = async (runId: string) => {
    if (await releaseRun(runId, id))
      await db.runEvent.create({
        data: {
          runId,
          level: 'warn',
          message: 'The run stopped where it was and is interrupted; it resumes from its first unfinished step.',
        },
      })
    unreleased.delete(runId)
  }
  const releaseAll = () => Promise.all([...unreleased].map((runId) => release(runId).catch(() => undefined)))
  const launch = (runId: string, label: string, job: () => Promise<void>) => {
    const done: Promise<void> = job()
      .catch(async (error: Error) => {
        log(`${label} stopped: ${firstLine(error)}`)
        unreleased.add(runId)
        await release(runId).catch(() => log(`${label} is released once Lockstep's database answers again`))
      })
      .finally(() => active.delete(done))
    active.add(done)
  }
  // One pass at a time per lane: every job of each kind it can claim now, the kinds in their order.
  const busy = new Set<string>()
  const drain = async (lane: WorkerLane) => {
    if (busy.has(lane.name) || stopping) return
    busy.add(lane.name)
    const next = (job: WorkerJob) => (!lane.parallel || active.size < limit ? job.claim(id) : null)
    try {
      for (const job of lane.jobs) {
        for (let claimed = await next(job); claimed && !stopping; claimed = await next(job)) {
          const jobId = claimed
          const label = await job.label(jobId)
          log(`${label} ${job.claimedAs}`)
          const execute = async () => log(`${label} ${await job.execute(jobId)}`)
          if (lane.parallel) launch(jobId, label, execute)
          else await execute()
        }
      }
    } catch (error) {
      log(`${lane.name} loop failed: ${firstLine(error)}`)
    } finally {
      busy.delete(lane.name)
    }
  }
  // Following syncs are applied in the background, each as long as it follows (lib/engine/syncs.ts).
  const followers = createFollowers(id, log)
  let claimingSyncs = false
  const followSyncs = async () => {
    if (claimingSyncs || stopping) return
    claimingSyncs = true
    await followers
      .tick()
      .catch((error: Error) => log(`sync loop failed: ${firstLine(error)}`))
      .finally(() => (claimingSyncs = false))
  }
  const runTimer = setInterval(() => {
    for (const lane of WORKER_LANES) void drain(lane)
    void followSyncs()
  }, 1_000)

  // The monitor samples the connections that matter now (lib/engine/monitor/sampler.ts), beside the runs.
  const sampler = createSampler({ log })
  let sampling = false
  const sample = async () => {
    if (sampling || stopping) return
    sampling = true
    try {
      await sampler.tick()
    } catch (error) {
      log(`monitor failed: ${firstLine(error)}`)
    } finally {
      sampling = false
    }
  }
  const sampleTimer = setInterval(() => void sample(), SAMPLE_EVERY_MS)

  // The targets of active plans are checked for drift now and then (lib/engine/drift.ts), one at a time.
  let sweepingDrift = false
  const driftSweep = async () => {
    if (sweepingDrift || stopping) return
    sweepingDrift = true
    try {
      const drifted = await sweepDrift(appEnv().DRIFT_CHECK_MINUTES, () => stopping)
      if (drifted) log(`${drifted} target${drifted === 1 ? '' : 's'} drifted`)
    } catch (error) {
      log(`drift sweep failed: ${firstLine(error)}`)
    } finally {
      sweepingDrift = false
    }
  }
  const reportTimer = setInterval(() => void report(), appEnv().REPORT_WATCH_MS)

  // The webhook outbox is sent beside everything else: a slow receiver holds up only the next deliveries.
  let delivering = false
  const deliverHooks = async () => {
    if (delivering || stopping) return
    delivering = true
    try {
      const sent = await deliverDue({ stopping: () => stopping })
      const failed = sent.filter((d) => d.status === 'FAILED').length
      if (failed) log(`${failed} webhook deliver${failed === 1 ? 'y' : 'ies'} failed for good`)
    } catch (error) {
      log(`webhook delivery failed: ${firstLine(error)}`)
    } finally {
      delivering = false
    }
  }
  const hookTimer = setInterval(() => void deliverHooks(), 1_000)
  // Emails of notices (lib/engine/email.ts), when SMTP_URL is set: what is due, every few seconds.
  let emailing = false
  const sendEmails = async () => {
    if (!emailSender || emailing || stopping) return
    emailing = true
    try {
      await emailSender.tick()
    } catch (error) {
      log(`email loop failed: ${firstLine(error)}`)
    } finally {
      emailing = false
    }
  }
  const emailTimer = setInterval(() => void sendEmails(), EMAIL_EVERY_MS)

  let beats = 0
  const timer = setInterval(() => {
    if (stopping) return
    beat()
      .then(releaseAll)
      .then(reclaim)
      .catch((error: Error) => log(`heartbeat failed: ${firstLine(error)}`))
    if (++beats % Math.max(1, Math.round(60_000 / interval)) === 0) {
      void sweep()
      void driftSweep()
      sampler.prune().catch((error: Error) => log(`sample pruning failed: ${firstLine(error)}`))
      // Backups past the retention: their files go, their rows stay as history.
      if (appEnv().LOCKSTEP_BACKUP_DIR) {
        pruneBackups()
          .then((n) => n && log(`pruned ${n} backup${n === 1 ? '' : 's'} past the retention`))
          .catch((error: Error) => log(`backup pruning failed: ${firstLine(error)}`))
      }
    }
  }, interval)

  return {
    id,
    stop: async () => {
      stopping = true
      clearInterval(timer)
      clearInterval(runTimer)
      clearInterval(sampleTimer)
      clearInterval(reportTimer)
      clearInterval(hookTimer)
      clearInterval(emailTimer)
      emailSender?.stop()
      await followers.stop()
      await sampler.stop()
      await db.workerHeartbeat.delete({ where: { id } }).catch(() => undefined)
      await db.$disconnect()
      log(`worker ${shortId(id)} stopped`)
    },
  }
}
