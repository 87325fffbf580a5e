import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { childEnv } from '@/lib/env'
import { SERVER_ONLY_IMPORT } from '@/lib/runtime/children'

// Real worker processes (`npm run worker`'s entry point) for tests that kill, starve or outlive them.

export type WorkerProcess = { process: ChildProcess; output: () => string }

/** Starts `scripts/worker.ts` in a process of its own (node with tsx's loader: one process to kill). */
export function startWorkerProcess(env: Record<string, string>, started: ChildProcess[] = []): WorkerProcess {
  let output = ''
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ...SERVER_ONLY_IMPORT, join(process.cwd(), 'scripts/worker.ts')],
    {
      // A short lease: a killed worker's part of a copy is taken over within seconds.
      env: childEnv({ WORKER_HEARTBEAT_MS: '500', COPY_UNIT_LEASE_MS: '3000', ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  started.push(child)
  return { process: child, output: () => output }
}

/** Polls `probe` until it answers something truthy; fails after `timeoutMs` naming `what`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe().catch(() => null)
    if (value) return value
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
