import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { assertCan } from '@/lib/server/authorize'
import { makeUser } from '@/lib/testing/factories'
import { enrolled, tokenOf } from '@/lib/testing/api-tokens'
import { setUserActive } from '@/lib/server/users/commands'
import { authenticateToken } from './authenticate'
import { createServiceAccount, createServiceToken, createToken, revokeToken } from './commands'
import { hashTokenSecret } from './secret'

// A token's life: created (shown once, only its hash kept), used as its owner, refused once revoked, expired or
// its owner deactivated; scopes narrow the owner's role in the data layer.

async function actorOf(user: Parameters<typeof tokenOf>[0], scopes: Parameters<typeof tokenOf>[1]) {
  const auth = await authenticateToken((await tokenOf(user, scopes)).secret, null)
  if (!auth) throw new Error('the token authenticates')
  return auth.actor
}

describe('API tokens', () => {
  it('keeps only the hash and a prefix, and acts as its owner until revoked', async () => {
    const lead = await makeUser('LEAD')
    const created = await createToken(lead, { name: 'CI', scopes: ['READ'], expiresInDays: '30' })
    expect(created.secret).toMatch(/^lst_[A-Za-z0-9_-]{43}$/)
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: created.id } })
    expect(row.secretHash).toBe(hashTokenSecret(created.secret))
    expect(JSON.stringify(row)).not.toContain(created.secret.slice(4))
    expect(created.secret.startsWith(row.prefix)).toBe(true)

    const auth = await authenticateToken(created.secret, '10.0.0.1')
    expect(auth?.actor).toMatchObject({ id: lead.id, role: 'LEAD', token: { id: created.id, scopes: ['READ'] } })

    await revokeToken(lead, { tokenId: created.id })
    expect(await authenticateToken(created.secret, null)).toBeNull()
    const events = await db.auditEvent.findMany({ where: { entityId: created.id }, orderBy: { id: 'asc' } })
    expect(events.map((e) => e.action)).toEqual(['token.create', 'token.revoke'])
  })

  it('refuses an expired token, an unknown one, and one whose owner was deactivated', async () => {
    const lead = await makeUser('LEAD')
    const token = await tokenOf(lead, ['READ'], '7')
    const in8Days = new Date(Date.now() + 8 * 86_400_000)
    expect(await authenticateToken(token.secret, null, in8Days)).toBeNull()
    expect(await authenticateToken(token.secret, null)).not.toBeNull()
    expect(await authenticateToken(`lst_${'A'.repeat(43)}`, null)).toBeNull()
    await setUserActive(await enrolled(await makeUser('ADMIN')), { userId: lead.id, isActive: false })
    expect(await authenticateToken(token.secret, null)).toBeNull()
  })

  it('asks an admin or a DBA for a fresh code before creating one', async () => {
    const dba = await enrolled(await makeUser('DBA'))
    await db.user.update({ where: { id: dba.id }, data: { secondFactorAt: new Date(Date.now() - 3_600_000) } })
    await expect(createToken(dba, { name: 'CI', scopes: ['RUNS_START'], expiresInDays: '30' })).rejects.toMatchObject({
      code: 'REAUTHENTICATE',
    })
  })

  it('lets nobody but the owner or an admin revoke a token', async () => {
    const lead = await makeUser('LEAD')
    const token = await tokenOf(lead, ['READ'])
    await expect(revokeToken(await makeUser('DBA'), { tokenId: token.id })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await revokeToken(await enrolled(await makeUser('ADMIN')), { tokenId: token.id })
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).revokedAt).not.toBeNull()
  })

  it('narrows the owner’s role by its scopes and never widens it', async () => {
    const lead = await makeUser('LEAD')
    const read = await actorOf(lead, ['READ'])
    expect(() => assertCan(read, 'plan:read')).not.toThrow()
    expect(() => assertCan(read, 'plan:edit')).toThrow('This token lacks the scope “plans:write”.')
    const stakeholder = await makeUser('STAKEHOLDER')
    const write = await actorOf(stakeholder, ['PLANS_WRITE', 'RUNS_START'])
    expect(() => assertCan(write, 'plan:edit')).toThrow('You do not have permission to do that.')
    expect(() => assertCan(write, 'window:approve')).toThrow('An API token cannot do that')
  })

  it('lets an admin create a service account that never signs in, with tokens of its role', async () => {
    const admin = await enrolled(await makeUser('ADMIN'))
    const name = `CI pipeline ${Math.random().toString(36).slice(2, 8)}`
    const created = await createServiceAccount(admin, {
      accountName: name,
      role: 'LEAD',
      name: 'deploy',
      scopes: ['READ', 'PLANS_WRITE'],
      expiresInDays: 'never',
    })
    expect(created.email).toMatch(/^ci-pipeline-[a-z0-9]+@service\.lockstep\.invalid$/)
    const user = await db.user.findUniqueOrThrow({ where: { id: created.userId } })
    expect(user).toMatchObject({ isService: true, passwordHash: null, role: 'LEAD' })
    expect((await authenticateToken(created.secret, null))?.actor).toMatchObject({ id: user.id, role: 'LEAD' })
    const second = await createServiceToken(admin, {
      userId: user.id,
      name: 'second',
      scopes: ['READ'],
      expiresInDays: '7',
    })
    expect(second.secret).not.toBe(created.secret)
    await expect(
      createServiceAccount(await makeUser('LEAD'), {
        accountName: 'x',
        role: 'ADMIN',
        name: 'x',
        scopes: ['READ'],
        expiresInDays: '7',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
  })
})
