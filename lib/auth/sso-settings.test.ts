import { afterEach, describe, expect, it } from 'vitest'
import { appEnv, ConfigError, exportEnv } from '@/lib/env'
import { ssoConfig } from './sso-env'
import { groupsOf, mappedRole, parseRoleMap } from './sso-roles'

describe('AUTH_OIDC_ROLE_MAP and the role a person’s groups give them', () => {
  const { mappings } = parseRoleMap('ldap-dbas=DBA, platform-admins=admin ,leads=LEAD,cn=viewers=STAKEHOLDER')

  it('parses group=ROLE entries, the role after the last =', () => {
    expect(mappings).toEqual([
      { group: 'ldap-dbas', role: 'DBA' },
      { group: 'platform-admins', role: 'ADMIN' },
      { group: 'leads', role: 'LEAD' },
      { group: 'cn=viewers', role: 'STAKEHOLDER' },
    ])
  })

  it('names each entry that is not group=ROLE', () => {
    expect(parseRoleMap('dbas=DBA,ops=ROOT,=LEAD,plain').problems).toEqual([
      expect.stringContaining('“ops=ROOT”'),
      expect.stringContaining('“=LEAD”'),
      expect.stringContaining('“plain”'),
    ])
  })

  it('takes the most powerful mapped role, ADMIN > DBA > LEAD > STAKEHOLDER, whatever the order', () => {
    expect(mappedRole(['cn=viewers', 'leads'], mappings)).toBe('LEAD')
    expect(mappedRole(['leads', 'ldap-dbas'], mappings)).toBe('DBA')
    expect(mappedRole(['ldap-dbas', 'platform-admins', 'leads'], mappings)).toBe('ADMIN')
    expect(mappedRole(['cn=viewers'], mappings)).toBe('STAKEHOLDER')
  })

  it('maps no role for unmapped groups, and group names match exactly', () => {
    expect(mappedRole([], mappings)).toBeNull()
    expect(mappedRole(['LDAP-DBAS', 'ldap-dbas ', 'others'], mappings)).toBeNull()
  })

  it('reads a groups claim that is an array or one string; anything else names no group', () => {
    expect(groupsOf(['a', 2, 'b'])).toEqual(['a', 'b'])
    expect(groupsOf('a')).toEqual(['a'])
    expect(groupsOf({ a: true })).toEqual([])
    expect(groupsOf(undefined)).toEqual([])
  })
})

describe('single sign-on settings in the environment', () => {
  let restore: (() => void) | undefined
  afterEach(() => restore?.())
  const set = (values: Record<string, string>) => {
    restore = exportEnv(values)
  }
  const full = {
    AUTH_OIDC_ISSUER: 'https://sso.example.com/realms/acme',
    AUTH_OIDC_CLIENT_ID: 'lockstep',
    AUTH_OIDC_CLIENT_SECRET: 'a client secret',
  }

  it('is off when none of issuer, client id and secret is set', () => {
    set({ AUTH_OIDC_ISSUER: '', AUTH_OIDC_CLIENT_ID: '', AUTH_OIDC_CLIENT_SECRET: '' })
    expect(ssoConfig(appEnv())).toBeNull()
  })

  it('is on with all three, with the documented defaults', () => {
    set({ ...full, AUTH_OIDC_ROLE_MAP: '', AUTH_OIDC_DEFAULT_ROLE: '', AUTH_OIDC_NAME: '', AUTH_OIDC_GROUPS_CLAIM: '' })
    expect(ssoConfig(appEnv())).toEqual({
      issuer: full.AUTH_OIDC_ISSUER,
      clientId: 'lockstep',
      clientSecret: 'a client secret',
      name: 'single sign-on',
      scope: 'openid email profile',
      groupsClaim: 'groups',
      roleMap: [],
      defaultRole: null,
    })
  })

  it('stops the process naming what is missing when only some of the three are set', () => {
    set({ ...full, AUTH_OIDC_CLIENT_SECRET: '' })
    expect(() => appEnv()).toThrow(ConfigError)
    expect(() => appEnv()).toThrow(/AUTH_OIDC_CLIENT_SECRET is missing: single sign-on needs AUTH_OIDC_ISSUER/)
  })

  it('names a bad role map entry, a bad default role and an issuer that is not a URL', () => {
    set({
      ...full,
      AUTH_OIDC_ISSUER: 'sso.example.com',
      AUTH_OIDC_ROLE_MAP: 'dbas=DBAS',
      AUTH_OIDC_DEFAULT_ROLE: 'guest',
    })
    expect(() => appEnv()).toThrow(/AUTH_OIDC_ISSUER must be the https:\/\/ issuer URL/)
    expect(() => appEnv()).toThrow(/AUTH_OIDC_ROLE_MAP has “dbas=DBAS”/)
    expect(() => appEnv()).toThrow(/AUTH_OIDC_DEFAULT_ROLE must be none or one of ADMIN, LEAD, DBA, STAKEHOLDER/)
  })

  it('wants HTTPS, except for a provider on this machine', () => {
    set({ ...full, AUTH_OIDC_ISSUER: 'http://sso.example.com/realms/acme' })
    expect(() => appEnv()).toThrow(/AUTH_OIDC_ISSUER must be the https:\/\/ issuer URL/)
    restore?.()
    set({ ...full, AUTH_OIDC_ISSUER: 'http://localhost:8080/realms/acme' })
    expect(ssoConfig(appEnv())?.issuer).toBe('http://localhost:8080/realms/acme')
  })

  it('takes a default role case-insensitively, and none', () => {
    set({ ...full, AUTH_OIDC_DEFAULT_ROLE: 'stakeholder' })
    expect(ssoConfig(appEnv())?.defaultRole).toBe('STAKEHOLDER')
    restore?.()
    set({ ...full, AUTH_OIDC_DEFAULT_ROLE: 'None' })
    expect(ssoConfig(appEnv())?.defaultRole).toBeNull()
  })
})
