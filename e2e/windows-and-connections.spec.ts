import { randomUUID } from 'node:crypto'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { appDatabaseUrl, query, seedUser } from './fixtures/db'
import { seedPlan } from './fixtures/seed'
import { callServerAction, serverActionId } from './fixtures/server-actions'
import { signIn } from './fixtures/session'
import { BASE_URL, E2E } from './fixtures/settings'

/** A datetime-local value (UTC, as the form reads it) `hours` from now. */
const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString().slice(0, 16)

test('a lead requests a production window; a DBA sees the badge and approves it with the typed name', async ({
  page,
  browser,
}) => {
  const admin = await seedUser('ADMIN')
  const lead = await seedUser('LEAD')
  const dba = await seedUser('DBA')
  const env = `production-${randomUUID().slice(0, 6)}`
  const title = `Cutover plan ${randomUUID().slice(0, 6)}`

  // An admin creates the protected environment.
  await signIn(page, admin)
  await page.goto('/connections')
  const newEnvironment = page.getByRole('region', { name: 'Add an environment' })
  await newEnvironment.getByLabel('Name').fill(env)
  await newEnvironment.getByLabel('Protected (runs need an approved window)').check()
  await page.getByRole('button', { name: 'Add environment' }).click()
  await expect(page.getByRole('heading', { name: env })).toBeVisible()
  expect(await query('SELECT "protected" FROM "Environment" WHERE "name" = $1', [env])).toEqual([{ protected: true }])
  await page.context().clearCookies()

  // The lead requests a window on it.
  await seedPlan(lead, { title })
  await signIn(page, lead)
  await page.goto('/windows')
  await page.getByLabel('Environment').selectOption({ label: `${env} (protected)` })
  await page.getByLabel('Plan').selectOption({ label: title })
  await page.getByLabel('Starts (UTC)').fill(inHours(24))
  await page.getByLabel('Ends (UTC)').fill(inHours(26))
  await page.getByLabel('Reason').fill('Switch orders to PostgreSQL')
  await page.getByRole('button', { name: 'Request window' }).click()
  const pending = page.getByRole('region', { name: 'Awaiting approval' }).getByTestId('window').filter({ hasText: env })
  await expect(pending).toContainText('Awaiting approval')
  await expect(pending.getByRole('button', { name: /^Approve/ })).toHaveCount(0) // a lead cannot approve
  const [row] = await query<{ id: string; status: string }>(
    'SELECT w."id", w."status" FROM "MaintenanceWindow" w JOIN "Environment" e ON e."id" = w."environmentId" WHERE e."name" = $1',
    [env],
  )
  expect(row?.status).toBe('REQUESTED')

  // …and a direct call of the approve action as the lead is refused.
  const reply = await callServerAction(
    page.request,
    BASE_URL,
    serverActionId('lib/actions/windows.ts', 'approveWindowAction'),
    [{ windowId: row?.id, note: '', confirm: env }],
  )
  expect(reply).toContain('You do not have permission to do that.')

  // The DBA sees the badge and approves, typing the environment's name.
  const dbaContext = await browser.newContext()
  const dbaPage = await dbaContext.newPage()
  await signIn(dbaPage, dba)
  await expect(dbaPage.getByRole('link', { name: /Windows/ }).getByTestId('nav-badge')).toBeVisible()
  await dbaPage.getByRole('link', { name: /Windows/ }).click()
  const toDecide = dbaPage.getByTestId('window').filter({ hasText: env })
  await toDecide.getByRole('button', { name: /^Approve/ }).click()
  const approve = toDecide.getByRole('button', { name: 'Approve window' })
  await expect(approve).toBeDisabled()
  await toDecide.getByLabel(`Type ${env} to approve.`).fill(env)
  await approve.click()
  await expect(
    dbaPage
      .getByRole('region', { name: 'Approved: active and upcoming' })
      .getByTestId('window')
      .filter({ hasText: env }),
  ).toContainText('Approved')
  expect(
    (await query<{ status: string }>('SELECT "status" FROM "MaintenanceWindow" WHERE "id" = $1', [row?.id]))[0]?.status,
  ).toBe('APPROVED')
  await dbaContext.close()

  // The lead sees it approved.
  await page.reload()
  await expect(
    page.getByRole('region', { name: 'Approved: active and upcoming' }).getByTestId('window').filter({ hasText: env }),
  ).toContainText(`approved by ${dba.name}`)
})

test('a stakeholder sees windows but no connection details', async ({ page }) => {
  const stakeholder = await seedUser('STAKEHOLDER')
  await signIn(page, stakeholder)
  await expect(page.getByRole('link', { name: 'Connections' })).toHaveCount(0)
  expect((await page.goto('/connections'))?.status()).toBe(404)
  await page.goto('/windows')
  await expect(page.getByRole('heading', { name: 'Maintenance windows' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Request window' })).toHaveCount(0)
  await expect(page.getByText('postgresql://')).toHaveCount(0)
})

test('testing a connection names what is wrong: nothing answering, a wrong password, a missing SQLite file; a moved connection needs its password again', async ({
  page,
}) => {
  const admin = await seedUser('ADMIN')
  const env = `staging-${randomUUID().slice(0, 6)}`
  const databaseUrl = appDatabaseUrl()
  const own = new URL(databaseUrl)
  await signIn(page, admin)
  await page.goto('/connections')
  await page.getByRole('region', { name: 'Add an environment' }).getByLabel('Name').fill(env)
  await page.getByRole('button', { name: 'Add environment' }).click()
  const section = page.getByTestId('environment').filter({ has: page.getByRole('heading', { name: env }) })

  const add = async (
    fields: Record<string, string>,
    engine: 'PostgreSQL' | 'SQLite file' = 'PostgreSQL',
    choices: Record<string, string> = {},
  ) => {
    const adding = section.locator('details').filter({ hasText: `Add a connection to ${env}` })
    if (!(await adding.evaluate((d) => (d as HTMLDetailsElement).open)))
      await section.getByText(`Add a connection to ${env}`).click()
    await section.getByLabel('Engine').selectOption({ label: engine })
    for (const [label, value] of Object.entries(fields)) await section.getByLabel(label, { exact: true }).fill(value)
    for (const [label, option] of Object.entries(choices))
      await section.getByLabel(label, { exact: true }).selectOption({ label: option })
    await section.getByRole('button', { name: 'Add connection' }).click()
    await expect(section.getByTestId('connection').filter({ hasText: fields.Name ?? '' })).toBeVisible()
  }
  await add({ Name: 'closed port', Host: '127.0.0.1', Port: '1', Database: 'x', User: 'app', Password: 'pw-1' })
  // Lockstep's own database server: refused unless an admin allows it for the connection.
  await add(
    {
      Name: 'wrong password',
      Host: own.hostname,
      Port: own.port,
      Database: 'lockstep',
      User: 'postgres',
      Password: 'not-the-password',
    },
    'PostgreSQL',
    {
      "Lockstep's own database server": 'Allowed for this connection',
    },
  )
  await expect(section.getByTestId('connection').filter({ hasText: 'wrong password' })).toContainText(
    "Lockstep's own server: allowed by an admin",
  )
  const file = `gone-${randomUUID().slice(0, 6)}.db`
  await writeFile(join(E2E.dataDir, 'sqlite', file), '')
  await add({ Name: 'gone file', 'File (inside the SQLite directory)': file }, 'SQLite file')
  await rm(join(E2E.dataDir, 'sqlite', file))

  // The password is never sent back to the browser.
  await page.reload()
  expect(await page.content()).not.toContain('not-the-password')
  const stored = await query<{ secret: Buffer }>(
    `SELECT c."secret" FROM "Connection" c JOIN "Environment" e ON e."id" = c."environmentId" WHERE e."name" = $1 AND c."name" = 'wrong password'`,
    [env],
  )
  expect(stored[0]?.secret.includes(Buffer.from('not-the-password'))).toBe(false)

  for (const [name, message] of [
    ['closed port', 'No PostgreSQL server answered at 127.0.0.1:1'],
    ['wrong password', 'Password authentication failed for user “postgres”'],
    ['gone file', `There is no file “${file}”`],
  ] as const) {
    const row = section.getByTestId('connection').filter({ hasText: name })
    const started = Date.now()
    await row.getByRole('button', { name: /Test connection/ }).click()
    await expect(row.getByTestId('probe-result')).toContainText(message, { timeout: 10_000 })
    expect(Date.now() - started).toBeLessThan(10_000)
  }

  // Moving a connection with a saved password to another host needs the password again: said while editing, refused on save.
  const moved = section.getByTestId('connection').filter({ hasText: 'closed port' })
  await moved.getByRole('button', { name: 'Edit' }).click()
  await moved.getByLabel('Host', { exact: true }).fill('192.0.2.10')
  const retype =
    'You changed the host; type the password again – a stored password is only ever sent to the server it was saved for.'
  await expect(moved.getByText(retype)).toBeVisible()
  await moved.getByRole('button', { name: 'Save connection' }).click()
  await expect(moved.getByRole('alert').filter({ hasText: retype })).toBeVisible()
  expect(
    await query(
      `SELECT c."host" FROM "Connection" c JOIN "Environment" e ON e."id" = c."environmentId" WHERE e."name" = $1 AND c."name" = 'closed port'`,
      [env],
    ),
  ).toEqual([{ host: '127.0.0.1' }])
  await moved.getByLabel('Password', { exact: true }).fill('pw-2')
  await moved.getByRole('button', { name: 'Save connection' }).click()
  await expect(moved.getByRole('button', { name: 'Edit' })).toBeVisible()
  expect(
    await query(
      `SELECT c."host" FROM "Connection" c JOIN "Environment" e ON e."id" = c."environmentId" WHERE e."name" = $1 AND c."name" = 'closed port'`,
      [env],
    ),
  ).toEqual([{ host: '192.0.2.10' }])
})
