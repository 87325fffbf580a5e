import { randomUUID } from 'node:crypto'
import { expect, test } from '@playwright/test'
import { exportEnv } from '@/lib/env'
import { loadLocalState, loadOrCreateSecretKey } from '@/lib/runtime/local-state'
import { localUserActor } from '@/lib/server/actor'
import { appDatabaseUrl, authenticatorCode, query, seedUser } from './fixtures/db'
import { lockstepRemote, tablesOf, targetDatabase } from './fixtures/remote'
import { actorOf, seedEnvironment, seedPhase, seedPlan, seedPlanEnvironment } from './fixtures/seed'
import { BASE_URL, E2E } from './fixtures/settings'

// The pipeline trial: a DBA's API token, and `lockstep remote` run as a CI job runs it – against the app `npm start`
// started. The folder's migrations are pushed into a phase, run on a non-protected environment (the target gets
// the tables), refused on a protected one without an approved window (the reason on standard error), and a second
// push changes nothing.

const FOLDER = 'e2e/fixtures/remote-migrations'
const lockstep = lockstepRemote

test('a pipeline pushes a migration folder and runs it on staging; production without a window is refused', async () => {
  test.setTimeout(300_000)
  const suffix = randomUUID().slice(0, 8)
  const dba = await seedUser('DBA')
  const admin = actorOf(await seedUser('ADMIN'))
  // The data layer in this process reads the installation's secrets as the app does: connection URLs are
  // encrypted under its key, and the DBA's authenticator secret too.
  exportEnv({
    DATABASE_URL: appDatabaseUrl(),
    AUTH_SECRET: (await loadLocalState(E2E.dataDir)).authSecret,
    LOCKSTEP_SECRET_KEY: await loadOrCreateSecretKey(E2E.dataDir),
  })
  const [{ createConnection }, { ZConnection }, { createToken, revokeToken }] = await Promise.all([
    import('@/lib/server/connections/commands'),
    import('@/lib/server/connections/schemas'),
    import('@/lib/server/tokens/commands'),
  ])
  const title = `Shop schema ${suffix}`
  const planId = await seedPlan(dba, { title })
  await seedPhase(dba, planId, { name: 'Schema' })
  const environments = { staging: `staging-${suffix}`, production: `production-${suffix}` }
  const targets: Record<string, string> = {}
  for (const [key, name] of Object.entries(environments)) {
    const environmentId = await seedEnvironment(name, { protected: key === 'production' })
    targets[key] = await targetDatabase(`e2e_remote_${key}_${suffix}`)
    const { id } = await createConnection(
      admin,
      ZConnection.parse({
        environmentId,
        engine: 'POSTGRES',
        ownServer: 'allow',
        name: 'shop',
        role: 'TARGET',
        url: `${targets[key]}?sslmode=disable`,
      }),
    )
    await seedPlanEnvironment(dba, planId, environmentId, { targetConnectionId: id })
  }
  // The DBA makes the pipeline's token in a session of theirs, with a code, as the tokens page asks.
  const session = localUserActor(dba, randomUUID())
  const { id: tokenId, secret } = await createToken(session, {
    name: `ci ${suffix}`,
    scopes: ['READ', 'PLANS_WRITE', 'RUNS_START'],
    expiresInDays: '7',
    code: await authenticatorCode(dba.id, dba.totpSecret ?? ''),
  })

  // Who the token is, and the plan it will push into.
  const status = await lockstep(secret, 'status', '--plan', title)
  expect(status, status.stderr).toMatchObject({ code: 0 })
  expect(status.stdout).toContain(`${dba.name} <${dba.email}> (DBA)`)
  expect(status.stdout).toContain(`environment ${environments.production} (protected`)
  for (const r of [status]) expect(r.stdout + r.stderr).not.toContain(secret)

  // A pull request's dry run: what would change, nothing written.
  const dry = await lockstep(secret, 'push', '--plan', title, '--phase', 'Schema', '--dir', FOLDER, '--dry-run')
  expect(dry, dry.stderr).toMatchObject({ code: 0 })
  expect(dry.stdout.split('\n').slice(0, 3)).toEqual([
    'would create: V1__create_customers (V1__create_customers.sql)',
    'would create: V2__create_orders (V2__create_orders.sql)',
    'would create: V3__order_notes (V3__order_notes.sql)',
  ])
  expect(await query(`SELECT 1 FROM "Step" WHERE "planId" = $1`, [planId])).toHaveLength(0)

  // The merge: the folder becomes the phase's steps, in order, each with its undo script.
  const push = await lockstep(secret, 'push', '--plan', title, '--phase', 'Schema', '--dir', FOLDER)
  expect(push, push.stderr).toMatchObject({ code: 0 })
  expect(push.stdout).toMatch(/^created: V1__create_customers \(V1__create_customers\.sql\), revision 1$/m)
  expect(push.stdout).toContain(`Pushed into “${title}” › Schema – 3 scripts: 3 created.`)
  expect(await query(`SELECT "name" FROM "Step" WHERE "planId" = $1 ORDER BY "position"`, [planId])).toEqual([
    { name: 'V1__create_customers' },
    { name: 'V2__create_orders' },
    { name: 'V3__order_notes' },
  ])

  const runOn = (environment: string, ...more: string[]) =>
    lockstep(secret, 'run', '--plan', title, '--phase', 'Schema', '--env', environment, '--wait', ...more)

  // Staging is not protected: the run starts, its log streams, and the job passes with it.
  const staging = await runOn(environments.staging, '--timeout', '180')
  expect(staging, staging.stderr).toMatchObject({ code: 0 })
  expect(staging.stdout).toMatch(
    new RegExp(`^Run [0-9a-f-]{36} of Schema on ${environments.staging}: ${BASE_URL}/`, 'm'),
  )
  expect(staging.stdout).toMatch(/^\d\d:\d\d:\d\d info: Step “V3__order_notes” succeeded\.$/m)
  expect(staging.stdout).toMatch(/^Run SUCCEEDED$/m)
  expect(await tablesOf(targets.staging ?? '')).toEqual([
    'customers(id,email,created_at)',
    'orders(id,customer_id,total_cents,placed_at,note)',
  ])

  // Production is protected and has no approved window: refused, the reason on standard error, nothing run.
  const production = await runOn(environments.production)
  expect(production.code).toBe(3)
  expect(production.stderr).toMatch(/^Refused: .*window/im)
  expect(production.stderr).not.toMatch(/\n\s+at /)
  expect(await tablesOf(targets.production ?? '')).toEqual([])

  // The next pipeline pushes the same folder: nothing changes.
  const again = await lockstep(secret, 'push', '--plan', title, '--phase', 'Schema', '--dir', FOLDER)
  expect(again, again.stderr).toMatchObject({ code: 0 })
  expect(again.stdout).toContain('3 scripts: 3 unchanged.')

  // A retried start with the pipeline's key (its run id, say) finds the run it started instead of starting another.
  const start = () =>
    lockstep(
      secret,
      'run',
      '--plan',
      title,
      '--phase',
      'Schema',
      '--env',
      environments.staging,
      '--dry-run',
      '--idempotency-key',
      `ci-${suffix}`,
    )
  const [first, retried] = [await start(), await start()]
  const runIdOf = (r: { stdout: string }) => /^Run ([0-9a-f-]{36}) of Schema/m.exec(r.stdout)?.[1]
  expect([first.code, retried.code], first.stderr + retried.stderr).toEqual([0, 0])
  expect(runIdOf(first)).toMatch(/^[0-9a-f-]{36}$/)
  expect(runIdOf(retried)).toBe(runIdOf(first))

  // The token revoked: the pipeline's next call is refused, saying so.
  await revokeToken(session, { tokenId })
  const revoked = await lockstep(secret, 'status')
  expect(revoked.code).toBe(3)
  expect(revoked.stderr).toMatch(/^Refused: The token was refused \(401\)/)
  for (const r of [dry, push, staging, production, again, revoked]) expect(r.stdout + r.stderr).not.toContain(secret)
})
