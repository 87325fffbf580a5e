// The production web server (`npm run serve`; `npm start` runs it too): Next.js's request handler in
// WEB_CONCURRENCY processes that share one port through node:cluster. A Node process renders one page
// at a time, so one per core is what lets concurrent users be served in parallel. Pages keep no state
// between requests, so any process can answer any request.
import cluster from 'node:cluster'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MAX_REQUEST_BYTES } from '@/lib/auth/request-size'
import { appEnv, emailEnv, webEnv, type WebEnv } from '@/lib/env'
import { THREAD_NAMES } from '@/lib/runtime/thread-scripts'
import { assertThreadScriptBuilt } from '@/lib/runtime/threads'
import { createWebServer } from '@/lib/runtime/web-server'
import { formatCliError } from './cli'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const RESTARTS_PER_MINUTE = 5

try {
  appEnv() // fail fast, once, on a missing DATABASE_URL or AUTH_SECRET
  emailEnv() // and on a malformed SMTP_URL, EMAIL_FROM or LOCKSTEP_PUBLIC_URL, before a notice needs them
  for (const name of THREAD_NAMES) assertThreadScriptBuilt(name) // built by npm run build, like .next/
  const env = webEnv()
  if (cluster.isPrimary) runPrimary(env.PORT, env.WEB_CONCURRENCY)
  else await runServer(env)
} catch (error) {
  console.error(formatCliError(error))
  process.exit(1)
}

function runPrimary(port: number, processes: number): void {
  let stopping = false
  const restarts: number[] = []
  for (let i = 0; i < processes; i++) cluster.fork()
  console.log(`Serving on port ${port} with ${processes} web process${processes === 1 ? '' : 'es'}.`)
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0)
      return
    }
    const now = Date.now()
    restarts.push(now)
    while (restarts[0] !== undefined && restarts[0] < now - 60_000) restarts.shift()
    if (restarts.length > RESTARTS_PER_MINUTE) {
      console.error(`Web processes keep stopping (last: exit ${code ?? signal}); giving up.`)
      stop(1)
      return
    }
    console.error(`A web process stopped (exit ${code ?? signal}); starting another.`)
    cluster.fork()
  })
  const stop = (code: number) => {
    stopping = true
    const workers = Object.values(cluster.workers ?? {})
    if (workers.length === 0) process.exit(code)
    for (const worker of workers) worker?.kill('SIGTERM')
    setTimeout(() => process.exit(code), 5_000).unref()
  }
  process.once('SIGINT', () => stop(0))
  process.once('SIGTERM', () => stop(0))
}

async function runServer({ PORT: port, TRUSTED_PROXIES: trustedProxies }: WebEnv): Promise<void> {
  const { default: next } = await import('next')
  const app = next({ dev: false, dir: ROOT, port })
  const handle = app.getRequestHandler()
  await app.prepare()
  // Request bodies are counted and cut here, below every route (lib/runtime/web-server.ts).
  const server = createWebServer(handle, { maxBodyBytes: MAX_REQUEST_BYTES, trustedProxies })
  server.listen(port)
  const stop = () => {
    server.close(() => process.exit(0))
    server.closeIdleConnections()
    setTimeout(() => process.exit(0), 2_000).unref()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  process.once('disconnect', () => process.exit(0)) // the primary is gone
}
