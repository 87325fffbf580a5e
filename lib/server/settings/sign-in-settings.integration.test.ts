import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { exportEnv } from '@/lib/env'
import { DomainError } from '@/lib/server/errors'
import { makeUser, TEST_PASSWORD } from '@/lib/testing/factories'
import { authenticate } from '@/lib/server/users/authenticate'
import { getSignInSettings, isSsoRequired, setRequireSso } from './sign-in-settings'

// "Require single sign-on" is one row for the whole installation: this file turns it on and back off. Other
// files running meanwhile have no single sign-on configured in their process, where the setting counts for nothing.

let restoreEnv: () => void
beforeAll(() => {
  restoreEnv = exportEnv({
    AUTH_OIDC_ISSUER: 'http://localhost:9999/issuer',
    AUTH_OIDC_CLIENT_ID: 'lockstep',
    AUTH_OIDC_CLIENT_SECRET: 'secret',
  })
})
afterAll(async () => {
  await db.appSettings.upsert({ where: { id: 'app' }, create: { id: 'app' }, update: { requireSso: false } })
  restoreEnv()
})

describe('Require single sign-on', () => {
  it('is an admin’s to turn on and off, audited once per change', async () => {
    const admin = await makeUser('ADMIN')
    expect(await setRequireSso(admin, true, true)).toEqual({ ssoConfigured: true, requireSso: true })
    expect(await setRequireSso(admin, true, true)).toEqual({ ssoConfigured: true, requireSso: true })
    expect(await getSignInSettings(admin, true)).toEqual({ ssoConfigured: true, requireSso: true })
    const events = await db.auditEvent.findMany({ where: { action: 'settings.requireSso', actorId: admin.id } })
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ before: { requireSso: false }, after: { requireSso: true } })
    await setRequireSso(admin, false, true)
    expect(await isSsoRequired(true)).toBe(false)
  })

  it('refuses everyone but admins, and refuses it while single sign-on is not configured', async () => {
    for (const role of ['LEAD', 'DBA', 'STAKEHOLDER'] as const) {
      const actor = await makeUser(role)
      await expect(setRequireSso(actor, true, true)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    }
    const admin = await makeUser('ADMIN')
    const refused = await setRequireSso(admin, true, false).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(DomainError)
    expect((refused as DomainError).message).toMatch(/Single sign-on is not configured/)
    expect(await isSsoRequired(true)).toBe(false)
  })

  it('when on, refuses a right password for everyone but admins, and counts for nothing without single sign-on', async () => {
    const admin = await makeUser('ADMIN')
    const lead = await makeUser('LEAD')
    await setRequireSso(admin, true, true)
    expect(await authenticate(lead.email, TEST_PASSWORD, '198.51.100.7')).toEqual({ ok: false, reason: 'sso-required' })
    expect(await authenticate(lead.email, 'a wrong password', '198.51.100.7')).toEqual({ ok: false, reason: 'invalid' })
    expect(await authenticate(admin.email, TEST_PASSWORD, '198.51.100.7')).toMatchObject({ ok: true })
    const refusals = await db.auditEvent.findMany({ where: { action: 'auth.signInRefused', entityId: lead.id } })
    expect(refusals).toHaveLength(1)
    expect(await isSsoRequired(false)).toBe(false)
    await setRequireSso(admin, false, true)
    expect(await authenticate(lead.email, TEST_PASSWORD, '198.51.100.7')).toMatchObject({ ok: true })
  })
})
