import { execFile } from 'node:child_process'
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
