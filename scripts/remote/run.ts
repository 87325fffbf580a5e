// `lockstep remote run`: starts a run through the API and, with --wait, follows it – its log printed as it
// grows, its state polled – until it ends, stops at a manual gate, or the time given runs out.
import { request, type RemoteConfig } from './http'

/** The exit codes of `lockstep remote`, shared by its commands. */
export const EXIT = {
  ok: 0,
  /** The run ended without succeeding: failed, cancelled, rolled back, or its rollback failed. */
  runFailed: 1,
  usage: 2,
  /** Lockstep refused: the token (401), a permission or scope (403), not found (404), a conflict (409), invalid (422). */
  refused: 3,
  /** push: something in the folder is not a script Lockstep runs; run --wait: the run waits at a manual gate. */
  notAll: 4,
  /** run --wait: --timeout passed while the run still goes on. */
  timeout: 5,
  /** No usable answer: the server cannot be reached, is not Lockstep, fails (5xx) or still limits after retries. */
  unavailable: 6,
} as const

export type RunStart = { planId: string; phaseId: string; environmentId: string; dryRun: boolean }
export type RunView = { id: string; status: string; url: string; error?: string | null }
export type RunEvent = { id: string | number; at: string; level: string; message: string; stepId?: string | null }

const SUCCEEDED = ['SUCCEEDED']
const UNSUCCESSFUL = ['FAILED', 'CANCELLED', 'ROLLED_BACK', 'ROLLBACK_FAILED']

/** The exit code a run's state means, or null while it goes on (queued, running, interrupted, rolling back). */
export function exitOfRunStatus(status: string): number | null {
  if (SUCCEEDED.includes(status)) return EXIT.ok
  if (UNSUCCESSFUL.includes(status)) return EXIT.runFailed
  if (status === 'WAITING') return EXIT.notAll
  return null
}

/** The run's page: the answer's url, made absolute against Lockstep's address when it is a path. */
export const runUrlOf = (config: RemoteConfig, url: string) => new URL(url, config.baseUrl).href

export const formatEvent = (e: RunEvent) =>
  `${/T(\d\d:\d\d:\d\d)/.exec(e.at)?.[1] ?? e.at} ${e.level.toLowerCase()}: ${e.message}`

export async function startRun(config: RemoteConfig, start: RunStart, idempotencyKey: string): Promise<RunView> {
  const { body } = await request<RunView>(config, 'POST', 'runs', {
    body: start,
    headers: { 'idempotency-key': idempotencyKey },
  })
  return body
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/** Follows the run until its state decides the exit code, or `deadline` (ms since the epoch) passes. */
export async function followRun(
  config: RemoteConfig,
  runId: string,
  o: { deadline: number | null; pollMs?: number; onEvent: (e: RunEvent) => void },
): Promise<{ run: RunView; exit: number }> {
  let after: string | null = null
  const drain = async () => {
    for (;;) {
      const query: string = `runs/${runId}/events?limit=100${after === null ? '' : `&after=${encodeURIComponent(after)}`}`
      const { body } = await request<{ items: RunEvent[]; nextCursor: string | null }>(config, 'GET', query)
      for (const e of body.items) {
        o.onEvent(e)
        after = String(e.id)
      }
      if (!body.items.length || !body.nextCursor) return
    }
  }
  for (;;) {
    // The state first, then the log: a run seen ended has written all its lines.
    const { body: run } = await request<RunView>(config, 'GET', `runs/${runId}`)
    await drain()
    const exit = exitOfRunStatus(run.status)
    if (exit !== null) return { run, exit }
    if (o.deadline !== null && Date.now() >= o.deadline) return { run, exit: EXIT.timeout }
    await sleep(o.pollMs ?? 1000)
  }
}
