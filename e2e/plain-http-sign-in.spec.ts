import { networkInterfaces } from 'node:os'
import { expect, test } from '@playwright/test'
import { auditEvents, seedUser } from './fixtures/db'
import { E2E } from './fixtures/settings'

// A team member opens Lockstep at the server's network address over plain HTTP. Their browser would drop the
// `__Host-` session cookie there, so a correct password would land them back on an empty form: the page says
// why before they try, and the sign-in answers with that reason.

/** This machine's own address on its network (the server listens on every interface). */
function lanAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address
  if (!address)
    throw new Error(
      'This machine has no network address besides loopback: the spec needs one to open Lockstep off localhost.',
    )
  return address
}

test('signing in over plain HTTP at a network address is explained, not silently undone', async ({ page }) => {
  const user = await seedUser('LEAD')
  const host = `${lanAddress()}:${E2E.port}`
  await page.goto(`http://${host}/login`)

  const notice = page.getByTestId('plain-http-notice')
  await expect(notice).toContainText('Signing in needs HTTPS at this address.')
  await expect(notice).toContainText(`over plain HTTP at ${host}`)
  expect(await page.evaluate(() => window.isSecureContext)).toBe(false)

  await page.getByLabel('Email').fill(user.email)
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert').filter({ hasText: `Signing in cannot work at http://${host}` })).toBeVisible()
  await expect(page.getByLabel('Email')).toHaveValue(user.email)
  expect(new URL(page.url()).pathname).toBe('/login')
  expect(await page.context().cookies()).not.toContainEqual(
    expect.objectContaining({ name: expect.stringContaining('session') }),
  )
  // Refused before the password was checked: neither a sign-in nor a failed one was recorded.
  expect((await auditEvents(user.id)).map((e) => e.action)).toEqual([])
})

test('at localhost the sign-in page has no such notice', async ({ page }) => {
  await page.goto('/login')
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()
  await expect(page.getByTestId('plain-http-notice')).toHaveCount(0)
})
