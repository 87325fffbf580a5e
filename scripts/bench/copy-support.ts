import { spawn } from 'node:child_process'
import pg from 'pg'

// What the copy benchmark (copy.ts) times and prints, and the process and PostgreSQL calls each way of copying needs.

export type Result = {
  method: string
  rows: number
  seconds: number
  rowsPerSecond: number
  peakRssMb?: number
  note?: string
}

/** A way of copying that could not run here (its tool is not installed), with what to do about it. */
export type Missing = { method: string; missing: string }

export const time = async <T>(fn: () => Promise<T>) => {
  const started = performance.now()
  const value = await fn()
  return { value, seconds: (performance.now() - started) / 1000 }
}

export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (code) => resolveRun({ code: code ?? 1, stdout, stderr }))
  })
}

export async function query(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await client.query(sql, params)
  } finally {
    await client.end()
  }
}
