import { describe, expect, it } from 'vitest'
import { can, ROLES } from './permissions'

describe('can', () => {
  it("lets only admins manage users, read the audit log and allow connections to Lockstep's own database server", () => {
    expect(ROLES.filter((role) => can(role, 'user:manage'))).toEqual(['ADMIN'])
    expect(ROLES.filter((role) => can(role, 'audit:read'))).toEqual(['ADMIN'])
    expect(ROLES.filter((role) => can(role, 'connection:own-server'))).toEqual(['ADMIN'])
    expect(ROLES.filter((role) => can(role, 'webhook:manage'))).toEqual(['ADMIN'])
  })

  it('lets stakeholders read but never change plans or see connections', () => {
    expect(can('STAKEHOLDER', 'plan:read')).toBe(true)
    expect(can('STAKEHOLDER', 'report:read')).toBe(true)
    expect(can('STAKEHOLDER', 'plan:edit')).toBe(false)
    expect(can('STAKEHOLDER', 'connection:read')).toBe(false)
  })

  it('keeps window approval and protected runs to DBAs and admins', () => {
    expect(ROLES.filter((role) => can(role, 'window:approve'))).toEqual(['ADMIN', 'DBA'])
    expect(ROLES.filter((role) => can(role, 'run:start-protected'))).toEqual(['ADMIN', 'DBA'])
  })

  it('lets every role read its own notifications', () => {
    expect(ROLES.filter((role) => can(role, 'notification:read'))).toEqual(ROLES)
  })

  it('denies unknown permissions and missing roles', () => {
    expect(can('ADMIN', 'plan:delete-everything')).toBe(false)
    expect(can('ADMIN', 'toString')).toBe(false)
    expect(can(null, 'plan:read')).toBe(false)
    expect(can(undefined, 'plan:read')).toBe(false)
  })
})
