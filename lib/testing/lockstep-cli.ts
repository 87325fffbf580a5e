import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { childEnv } from '@/lib/env'

// `lockstep …` as a user runs it: the package's bin in a process of its own, outside the repository, without
// Lockstep's own database – what the command-line tests drive.

export const LOCKSTEP_BIN = join(import.meta.dirname, '..', '..', 'bin', 'lockstep.mjs')

export function lockstep(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [LOCKSTEP_BIN, ...args],
      { env: childEnv({ DATABASE_URL: '' }), cwd: tmpdir(), maxBuffer: 10 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

/** A long-running `lockstep …` (a sync): its output so far, a wait for a line, and Ctrl-C. */
export function spawnLockstep(args: string[]) {
  const child = spawn(process.execPath, [LOCKSTEP_BIN, ...args], {
    env: childEnv({ DATABASE_URL: '' }),
    cwd: tmpdir(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = once(child, 'exit').then(([code]) => Number(code ?? 1))
  return {
    output: () => ({ stdout, stderr }),
    /** Resolves once standard output matches `pattern`; fails with the output when the process ends first. */
    async waitFor(pattern: RegExp, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs
      while (!pattern.test(stdout)) {
        if (child.exitCode !== null || Date.now() > end)
          throw new Error(`lockstep ${args[0]} never printed ${pattern}:\n${stdout}\n${stderr}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    },
    /** Ctrl-C, and the exit status with the output. */
    async interrupt(): Promise<{ code: number; stdout: string; stderr: string }> {
      if (child.exitCode === null) child.kill('SIGINT')
      const code = await exited
      return { code, stdout, stderr }
    },
    kill: () => child.exitCode === null && child.kill('SIGKILL'),
  }
}
