import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { childEnv } from '@/lib/env'
import { SERVER_ONLY_IMPORT } from '@/lib/runtime/children'

// The writing application of the sync tests: `scripts/sync-writer.ts` in a process of its own.

const running: ChildProcess[] = []

export type WriterCounts = { inserts: number; updates: number; deletes: number; skipped: number }

export function startWriter(args: string[]) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ...SERVER_ONLY_IMPORT, join(process.cwd(), 'scripts/sync-writer.ts'), ...args],
    { env: childEnv({}), stdio: ['ignore', 'pipe', 'pipe'] },
  )
  running.push(child)
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  return {
    /** Resolves once `probe` sees the writer's first changes; fails with its output if it stopped. */
    async started(probe: () => Promise<boolean> | boolean, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs
      while (!(await probe())) {
        if (child.exitCode !== null || Date.now() > end) throw new Error(`The writer did not start: ${output}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    /** Stops it (as Ctrl-C would) and returns what it changed. */
    async stop(): Promise<WriterCounts> {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await once(child, 'exit')
      }
      const last = output.trim().split('\n').at(-1) ?? ''
      try {
        return JSON.parse(last) as WriterCounts
      } catch {
        throw new Error(`The writer ended without its counts: ${output}`)
      }
    },
  }
}

export function stopWriters() {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL')
}
