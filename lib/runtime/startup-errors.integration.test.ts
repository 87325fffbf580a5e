import { spawn } from 'node:child_process'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { childEnv } from '@/lib/env'
import { SERVER_ONLY_IMPORT } from './children'
import { checkDatabase } from './check-database'
import { startEmbeddedPostgres } from './embedded-postgres'
import { StartupError } from './errors'
import { findFreePort } from './ports'

const scratch: string[] = []
afterAll(() => Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true }))))

async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-startup-'))
  // Traversable, as a checkout is: as root the server runs as another user.
  await chmod(dir, 0o755)
  scratch.push(dir)
  return dir
}

/** Runs `npm start`'s entry point and returns what it printed once it gave up. */
function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(process.cwd(), 'node_modules/.bin/tsx'), [...SERVER_ONLY_IMPORT, 'scripts/start.ts'], {
      // The test process has DATABASE_URL set for its own database; the child must not inherit it.
      env: {
        ...childEnv({ LOCKSTEP_DATA_DIR: join(tmpdir(), 'lockstep-startup-unused'), ...env }),
        DATABASE_URL: env.DATABASE_URL ?? '',
      },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

function expectNoStackTrace(text: string) {
  expect(text).not.toMatch(/^\s+at /m)
  expect(text).not.toMatch(/node:internal/)
}

describe('checkDatabase', () => {
  it('explains a refused connection, a wrong password and a missing database in one line', async () => {
    const port = await findFreePort()
    await expect(checkDatabase(`postgresql://x:y@127.0.0.1:${port}/db`)).rejects.toThrow(/connection refused/)
    const wrongPassword = new URL(inject('databaseUrl'))
    wrongPassword.password = 'not-the-password'
    await expect(checkDatabase(wrongPassword.toString())).rejects.toThrow(/refused the user name or password/)
    const missing = new URL(inject('databaseUrl'))
    missing.pathname = '/no_such_database'
    await expect(checkDatabase(missing.toString())).rejects.toThrow(/database does not exist/)
    await expect(checkDatabase(inject('databaseUrl'))).resolves.toMatchObject({
      serverVersion: expect.stringMatching(/^\d+/),
    })
  })
})

describe('embedded PostgreSQL', () => {
  it('reports a data directory that is not a database, with what to do', async () => {
    const dir = await scratchDir()
    await writeFile(join(dir, 'notes.txt'), 'not a database')
    const error = await startEmbeddedPostgres({ dataDir: dir, password: 'pw' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StartupError)
    expect((error as StartupError).message).toMatch(/damaged/)
    expect((error as StartupError).hint).toMatch(/delete that directory/)
  })

  it('reports a damaged cluster that will not start', async () => {
    const dir = join(await scratchDir(), 'pgdata')
    const server = await startEmbeddedPostgres({ dataDir: dir, password: 'pw' })
    await server.stop()
    await rm(join(dir, 'global', 'pg_control'))
    const error = await startEmbeddedPostgres({ dataDir: dir, password: 'pw' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StartupError)
    expect((error as StartupError).message).toMatch(/damaged and will not start \(.*pg_control/)
  })
})

describe('npm start refuses bad configuration with one clear line', () => {
  it('for a malformed DATABASE_URL', async () => {
    const { code, stderr } = await start({ DATABASE_URL: 'mysql://nope' })
    expect(code).toBe(1)
    expect(stderr.trim()).toBe(
      'Error: invalid configuration – DATABASE_URL must be a postgresql://user:password@host:port/database URL',
    )
  })

  it('for an unreachable server', async () => {
    const port = await findFreePort()
    const { code, stderr } = await start({
      DATABASE_URL: `postgresql://u:p@127.0.0.1:${port}/lockstep`,
      PORT: String(await findFreePort()),
    })
    expect(code).toBe(1)
    expect(stderr).toMatch(
      new RegExp(`^Error: Cannot reach PostgreSQL at 127.0.0.1:${port}/lockstep: connection refused`),
    )
    expectNoStackTrace(stderr)
  })

  it('for a port in use', async () => {
    const server: Server = createServer()
    const port = await new Promise<number>((resolve) =>
      server.listen(0, () => resolve((server.address() as { port: number }).port)),
    )
    try {
      const { code, stderr } = await start({ PORT: String(port) })
      expect(code).toBe(1)
      expect(stderr).toContain(`Error: Port ${port} is already in use.`)
      expect(stderr).toContain(`PORT=${port + 1} npm start`)
      expectNoStackTrace(stderr)
    } finally {
      server.close()
    }
  })

  it('for a damaged embedded data directory', async () => {
    const dataDir = await scratchDir()
    await mkdir(join(dataDir, 'pgdata'))
    await writeFile(join(dataDir, 'pgdata', 'junk'), 'x')
    const { code, stderr } = await start({ LOCKSTEP_DATA_DIR: dataDir, PORT: String(await findFreePort()) })
    expect(code).toBe(1)
    expect(stderr).toMatch(/^Error: The embedded database in .*pgdata is damaged/)
    expect(stderr).toMatch(/delete that directory and run npm start again/)
    expectNoStackTrace(stderr)
  })
})
