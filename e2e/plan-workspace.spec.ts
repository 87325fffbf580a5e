import { expect, test, type Locator, type Page } from '@playwright/test'
import { itemByText, phasesOf, planByTitle, query, seedUser } from './fixtures/db'
import { seedItems, seedPhase, seedPhaseDone, seedPlan } from './fixtures/seed'
import { callServerAction, serverActionId } from './fixtures/server-actions'
import { signIn } from './fixtures/session'
import { BASE_URL } from './fixtures/settings'

async function addPhase(page: Page, name: string) {
  await page.getByLabel('Phase name').fill(name)
  await page.getByRole('button', { name: 'Add phase' }).click()
  await expect(page.getByRole('heading', { name })).toBeVisible()
}

async function addItem(phase: Locator, text: string, required = false) {
  const unfold = phase.getByRole('button', { name: '+ Add item…' })
  if (await unfold.isVisible()) await unfold.click()
  await phase.getByLabel('New item').fill(text)
  if (required) await phase.getByLabel('Required').check()
  await phase.getByRole('button', { name: 'Add item' }).click()
  await expect(phase.getByText(text, { exact: true })).toBeVisible()
}

const phaseCard = (page: Page, name: string) =>
  page.getByTestId('phase').filter({ has: page.getByRole('heading', { name }) })

test('a lead builds a plan; a stakeholder reads it and cannot change it', async ({ page, browser }) => {
  const lead = await seedUser('LEAD')
  const suffix = Date.now()
  const title = `Orders to PostgreSQL ${suffix}`
  await signIn(page, lead)

  // Create the plan.
  await page.goto('/plans')
  await page.getByRole('link', { name: 'New plan' }).first().click()
  await page.getByLabel('Title').fill(title)
  await page.getByRole('button', { name: 'Create plan' }).click()
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
  const plan = await planByTitle(title)
  expect(plan).toMatchObject({ status: 'DRAFT', ownerId: lead.id })
  const planId = plan?.id ?? ''

  // Three phases, in order.
  for (const name of ['Preparation', 'Data Migration', 'Validation']) await addPhase(page, name)
  expect((await phasesOf(planId)).map((p) => p.name)).toEqual(['Preparation', 'Data Migration', 'Validation'])

  // Checklist items, one of them required.
  const preparation = phaseCard(page, 'Preparation')
  const inventory = `Inventory tables ${suffix}`
  const backup = `Full backup taken ${suffix}`
  await addItem(preparation, inventory)
  await addItem(preparation, backup, true)
  expect(await itemByText(backup)).toMatchObject({ isRequired: true, doneAt: null })

  // A risk.
  await page.getByLabel('Risk', { exact: true }).fill('Lock contention during cutover')
  await page.getByLabel('Impact', { exact: true }).selectOption('HIGH')
  await page.getByLabel('Likelihood', { exact: true }).selectOption('LIKELY')
  await page.getByRole('button', { name: 'Add risk' }).click()
  await expect(page.getByTestId('risk-row')).toContainText('Lock contention during cutover')
  await expect(page.getByTestId('risk-row')).toContainText('12')
  expect(
    await query('SELECT 1 FROM "Risk" WHERE "planId" = $1 AND "impact" = \'HIGH\' AND "likelihood" = \'LIKELY\'', [
      planId,
    ]),
  ).toHaveLength(1)
  await page.getByRole('button', { name: 'Edit “Lock contention during cutover”' }).click()
  const riskEdit = page.locator('form').filter({ has: page.getByRole('button', { name: 'Save risk' }) })
  await riskEdit.getByLabel('Mitigation').fill('Cut over in the maintenance window with lock_timeout set')
  await riskEdit.getByRole('button', { name: 'Save risk' }).click()
  await expect(page.getByTestId('risk-row')).toContainText('Mitigation: Cut over in the maintenance window')
  expect(
    await query('SELECT 1 FROM "Risk" WHERE "planId" = $1 AND "mitigation" LIKE \'Cut over%\'', [planId]),
  ).toHaveLength(1)

  // Tick an item: who and when survive a reload, and the database agrees.
  await preparation.getByLabel(inventory).check()
  await expect.poll(async () => (await itemByText(inventory))?.doneById).toBe(lead.id)
  await page.reload()
  const ticked = phaseCard(page, 'Preparation').getByTestId('checklist-item').filter({ hasText: inventory })
  await expect(ticked.getByRole('checkbox')).toBeChecked()
  await expect(ticked.getByTestId('ticked-by')).toContainText(`Ticked by ${lead.name} at 20`)

  // The phase cannot be closed while the required item is open.
  await phaseCard(page, 'Preparation').getByRole('button', { name: 'Mark done' }).click()
  await expect(phaseCard(page, 'Preparation').getByRole('alert')).toContainText(
    `1 required item is still open (“${backup}”)`,
  )
  expect((await phasesOf(planId))[0]?.completedAt).toBeNull()

  // Reorder with the keyboard: Validation moves above Data Migration.
  const moveUp = page.getByRole('button', { name: 'Move Validation up' })
  await moveUp.focus()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('phase').nth(1).getByRole('heading')).toHaveText(/Validation/)
  expect((await phasesOf(planId)).map((p) => p.name)).toEqual(['Preparation', 'Validation', 'Data Migration'])

  // Edit a phase: rename it and give it dates (the end may not come before the start).
  const migration = phaseCard(page, 'Data Migration')
  await migration.getByRole('button', { name: 'Edit', exact: true }).click()
  await migration.getByLabel('Phase name').fill('Data Copy')
  await migration.getByLabel('Planned start').fill('2026-12-10')
  await migration.getByLabel('Planned end').fill('2026-12-01')
  await migration.getByRole('button', { name: 'Save phase' }).click()
  await expect(migration.getByText('The end must not be before the start.')).toBeVisible()
  await expect(migration.getByLabel('Phase name')).toHaveValue('Data Copy')
  await migration.getByLabel('Planned end').fill('2026-12-14')
  await migration.getByRole('button', { name: 'Save phase' }).click()
  await expect(page.getByRole('heading', { name: /Data Copy/ })).toBeVisible()
  expect((await phasesOf(planId)).map((p) => p.name)).toEqual(['Preparation', 'Validation', 'Data Copy'])

  // A stakeholder sees the same plan, read-only.
  const stakeholder = await seedUser('STAKEHOLDER')
  const context = await browser.newContext()
  const reader = await context.newPage()
  await signIn(reader, stakeholder)
  await reader.goto(`/plans/${planId}`)
  await expect(reader.getByRole('heading', { level: 1, name: title })).toBeVisible()
  await expect(reader.getByTestId('phase').getByRole('heading')).toHaveText([/Preparation/, /Validation/, /Data Copy/])
  await expect(reader.getByLabel(inventory)).toBeDisabled()
  await expect(
    reader.getByRole('button', { name: /Mark done|Add item|Add phase|Add risk|Archive|^Edit$/ }),
  ).toHaveCount(0)
  await expect(reader.getByRole('link', { name: 'Edit' })).toHaveCount(0)

  // …and calling an edit action directly is refused, with nothing written.
  const backupItem = await itemByText(backup)
  const reply = await callServerAction(
    reader.request,
    BASE_URL,
    serverActionId('lib/actions/plans.ts', 'setItemDoneAction'),
    [{ itemId: backupItem?.id, done: 'true' }],
  )
  expect(reply).toContain('You do not have permission to do that.')
  expect((await itemByText(backup))?.doneAt).toBeNull()
  await context.close()
})

test('a refused tick rolls back the optimistic checkbox and says why', async ({ page, browser }) => {
  const lead = await seedUser('LEAD')
  const title = `Stale page ${Date.now()}`
  await signIn(page, lead)
  await page.goto('/plans/new')
  await page.getByLabel('Title').fill(title)
  await page.getByRole('button', { name: 'Create plan' }).click()
  await addPhase(page, 'Cutover')
  const text = `Switch traffic ${Date.now()}`
  await addItem(phaseCard(page, 'Cutover'), text)

  // Another tab closes the phase; this tab still shows it open.
  const other = await browser.newContext()
  const otherPage = await other.newPage()
  await signIn(otherPage, lead)
  await otherPage.goto(page.url())
  await phaseCard(otherPage, 'Cutover').getByRole('button', { name: 'Mark done' }).click()
  await expect(phaseCard(otherPage, 'Cutover').getByRole('button', { name: 'Reopen' })).toBeVisible()
  await other.close()

  const checkbox = page.getByLabel(text)
  await checkbox.click()
  await expect(page.getByTestId('checklist-item').filter({ hasText: text }).getByRole('alert')).toContainText(
    'reopen it to change its checklist',
  )
  await expect(checkbox).not.toBeChecked()
  expect((await itemByText(text))?.doneAt).toBeNull()
})

test('invalid plan input gets field messages and writes nothing', async ({ page }) => {
  const lead = await seedUser('LEAD')
  await signIn(page, lead)
  await page.goto('/plans/new')
  await page.getByRole('button', { name: 'Create plan' }).click()
  await expect(page.getByText('Enter a title.')).toBeVisible()
  const long = 'x'.repeat(201)
  await page.getByLabel('Title').evaluate((el, value) => el.setAttribute('maxlength', String(value.length)), long)
  await page.getByLabel('Title').fill(long)
  await page.getByRole('button', { name: 'Create plan' }).click()
  await expect(page.getByText('Use at most 200 characters.')).toBeVisible()
  expect(await planByTitle(long)).toBeNull()
})

test('a lead removes an item after confirming, records a verdict, and the activity keeps both', async ({ page }) => {
  const lead = await seedUser('LEAD')
  const title = `Tidy-up ${Date.now()}`
  await signIn(page, lead)
  await page.goto('/plans/new')
  await page.getByLabel('Title').fill(title)
  await page.getByRole('button', { name: 'Create plan' }).click()
  await addPhase(page, 'Preparation')
  const text = `Obsolete step ${Date.now()}`
  await addItem(phaseCard(page, 'Preparation'), text)

  // Edit the item first: make it required and give it an owner.
  await phaseCard(page, 'Preparation').getByRole('button', { name: 'Manage items…' }).click()
  await page.getByRole('button', { name: `Edit “${text}”` }).click()
  const edit = page.getByTestId('checklist-item').filter({ hasText: text })
  await edit.getByLabel('Owner').fill('DBA team')
  await edit.getByLabel('Required').check()
  await edit.getByRole('button', { name: 'Save item' }).click()
  await expect(edit.getByText('Owner: DBA team')).toBeVisible()
  expect(await itemByText(text)).toMatchObject({ isRequired: true })

  await page.getByRole('button', { name: `Remove “${text}”` }).click()
  const dialog = page.getByRole('dialog', { name: 'Remove this checklist item?' })
  await dialog.getByRole('button', { name: 'Remove' }).click()
  await expect(page.getByLabel(text)).toHaveCount(0)
  expect(await itemByText(text)).toBeNull()

  await page.getByLabel('New success criterion').fill('Zero data loss')
  await page.getByRole('button', { name: 'Add criterion' }).click()
  await page.getByLabel('Status of “Zero data loss”').selectOption('MET')
  const planId = (await planByTitle(title))?.id
  await expect
    .poll(
      async () =>
        (await query<{ status: string }>('SELECT "status" FROM "SuccessCriterion" WHERE "planId" = $1', [planId]))[0]
          ?.status,
    )
    .toBe('MET')

  await page.reload()
  const activity = page.getByTestId('activity')
  await expect(activity.filter({ hasText: `removed a checklist item “${text}”` })).toHaveCount(1)
  await expect(page.getByLabel('Status of “Zero data loss”')).toHaveValue('MET')
})

test('a large plan opens at the current phase; others unfold on request, and a phase can be removed', async ({
  page,
}) => {
  const lead = await seedUser('LEAD')
  const title = `Large plan ${Date.now()}`
  // Three phases of 50 items each (more than a page shows unfolded); the first is done.
  // About 200 commands, each its own transaction, on a machine the other specs share.
  test.setTimeout(180_000)
  const planId = await seedPlan(lead, { title })
  for (const stage of [1, 2, 3]) {
    const name = `Stage ${stage}`
    const phaseId = await seedPhase(lead, planId, { name })
    const items = Array.from({ length: 50 }, (_, i) => ({ text: `${name} step ${i + 1}`, done: stage === 1 }))
    await seedItems(lead, phaseId, items)
    if (stage === 1) await seedPhaseDone(lead, phaseId)
  }
  await signIn(page, lead)
  await page.goto(`/plans/${planId}`)

  // Only the current phase (the first not done) shows its checklist; the others show their counts.
  await expect(
    page.getByText('A large plan (more than 120 checklist items) opens with the current phase'),
  ).toBeVisible()
  await expect(phaseCard(page, 'Stage 1').getByTestId('phase-counts')).toHaveText('50 of 50 items done')
  await expect(phaseCard(page, 'Stage 1').getByTestId('checklist-item')).toHaveCount(0)
  await expect(phaseCard(page, 'Stage 2').getByTestId('checklist-item')).toHaveCount(50)
  await expect(phaseCard(page, 'Stage 3').getByTestId('checklist-item')).toHaveCount(0)

  // Unfold the third; ticking there keeps it unfolded.
  await page.getByRole('link', { name: 'Show checklist of Stage 3' }).click()
  await expect(phaseCard(page, 'Stage 3').getByTestId('checklist-item')).toHaveCount(50)
  await phaseCard(page, 'Stage 3').getByLabel('Stage 3 step 7', { exact: true }).check()
  await expect.poll(async () => (await itemByText('Stage 3 step 7'))?.doneById).toBe(lead.id)
  await expect(phaseCard(page, 'Stage 3').getByTestId('phase-counts')).toHaveText('1 of 50 items done')
  await expect(phaseCard(page, 'Stage 3').getByTestId('checklist-item')).toHaveCount(50)

  // Remove the third phase after confirming; its checklist goes with it and the log keeps a record.
  const stage3 = phaseCard(page, 'Stage 3')
  await stage3.getByRole('button', { name: 'Edit', exact: true }).click()
  await stage3.getByRole('button', { name: 'Remove “Stage 3”' }).click()
  const dialog = page.getByRole('dialog', { name: 'Remove this phase?' })
  await expect(dialog).toContainText('with its 50 checklist items')
  await dialog.getByRole('button', { name: 'Remove' }).click()
  await expect(page.getByRole('heading', { name: /Stage 3/ })).toHaveCount(0)
  expect((await phasesOf(planId)).map((p) => p.name)).toEqual(['Stage 1', 'Stage 2'])
  expect(await itemByText('Stage 3 step 7')).toBeNull()
  await expect(page.getByTestId('activity').filter({ hasText: 'removed a phase “Stage 3”' })).toHaveCount(1)
})
