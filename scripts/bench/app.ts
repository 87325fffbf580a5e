// What the page benchmarks share: their own Lockstep (npm start's launcher, production build, fresh embedded
// database), a signed-in session, and percentiles.
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { childEnv } from '@/lib/env'
import { SERVER_ONLY_IMPORT, waitForHttp } from '@/lib/runtime/children'
import { SESSION_COOKIE } from '@/lib/auth/session-rules'
import { totpCode } from '@/lib/auth/totp'
import { loadOrCreateSecretKey } from '@/lib/runtime/local-state'
import { enrolDirectly } from '@/lib/testing/enrol-directly'

export const BENCH_EMAIL = 'bench@lockstep.local'
const PASSWORD = 'bench password 123'

export type BenchApp = {
  base: string
  databaseUrl: string
  /** The launcher's process: the app's web server, worker and database are its descendants. */
  pid: number
  cookie: () => Promise<string>
  stop: () => Promise<void>
}

/** Starts Lockstep on `port` with fresh data (its admin is BENCH_EMAIL) and waits until it answers. */
export async function startBenchApp(port: number, name: string): Promise<BenchApp> {
  const base = `http://localhost:${port}`
  const dataDir = join(tmpdir(), name)
  console.log(`Starting Lockstep on ${base} (fresh data in ${dataDir})…`)
  const app = spawn(
    join(process.cwd(), 'node_modules/.bin/tsx'),
    [...SERVER_ONLY_IMPORT, 'scripts/start.ts', '--fresh'],
    {
      env: {
        ...childEnv({
          PORT: String(port),
          LOCKSTEP_DATA_DIR: dataDir,
          LOCKSTEP_ADMIN_EMAIL: BENCH_EMAIL,
          LOCKSTEP_ADMIN_PASSWORD: PASSWORD,
        }),
        DATABASE_URL: '',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const stop = async () => {
    if (app.exitCode !== null) return
    app.kill('SIGTERM')
    await new Promise((resolve) => app.once('exit', resolve))
  }
  try {
    if (!(await waitForHttp(`${base}/login`, 600_000, () => app.exitCode === null)))
      throw new Error('Lockstep did not start.')
    const { databaseUrl } = JSON.parse(await readFile(join(dataDir, 'runtime.json'), 'utf8')) as { databaseUrl: string }
    // The admin signs in with a second factor, as the role requires: set up straight in the database.
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 })
    const secret = await (async () => {
      const [admin] = (await pool.query<{ id: string }>('SELECT "id" FROM "User" WHERE "email" = $1', [BENCH_EMAIL]))
        .rows
      if (!admin) throw new Error('The benchmark admin was not seeded.')
      return enrolDirectly((sql, params) => pool.query(sql, params), admin.id, await loadOrCreateSecretKey(dataDir))
    })().finally(() => pool.end())
    let session: Promise<string> | undefined
    return { base, databaseUrl, pid: app.pid ?? 0, cookie: () => (session ??= signIn(base, secret)), stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** Signs in through Auth.js's own endpoints, once per benchmark (a code is accepted once), and returns the session cookie. */
async function signIn(base: string, totpSecret: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`)
  const { csrfToken } = (await csrf.json()) as { csrfToken: string }
  const csrfCookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: csrfCookie, Origin: base },
    body: new URLSearchParams({
      email: BENCH_EMAIL,
      password: PASSWORD,
      code: totpCode(totpSecret),
      csrfToken,
      callbackUrl: `${base}/plans`,
    }),
  })
  const session = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))
  if (!session) throw new Error('Sign-in failed: no session cookie.')
  return session.split(';')[0] ?? ''
}

export const percentiles = (times: number[]) => {
  times.sort((a, b) => a - b)
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? NaN
  return { p50: at(50), p95: at(95), p99: at(99) }
}
