import { describe, expect, it } from 'vitest'
import { API_SCOPES, scopeFor, scopesAllow } from './scopes'

// What a token's scopes may reach: each scope its own list, and the decisions that stay with people signed in.

const NEVER = [
  'window:approve',
  'run:resolve',
  'run:override-promotion',
  'user:manage',
  'audit:read',
  'connection:manage',
  'connection:own-server',
  'backup:restore',
  'account:own',
  'notification:read',
]

describe('token scopes', () => {
  it('never reach a person’s decisions, whatever the scopes', () => {
    for (const permission of NEVER) expect(scopesAllow(API_SCOPES, permission), permission).toBe(false)
  })

  it('each grant only their own list', () => {
    expect(scopesAllow(['READ'], 'plan:read')).toBe(true)
    expect(scopesAllow(['READ'], 'plan:edit')).toBe(false)
    expect(scopesAllow(['PLANS_WRITE'], 'window:request')).toBe(true)
    expect(scopesAllow(['PLANS_WRITE'], 'run:start')).toBe(false)
    expect(scopesAllow(['RUNS_START'], 'run:start-protected')).toBe(true)
    expect(scopesAllow(['RUNS_START'], 'run:read')).toBe(false)
    expect(scopesAllow([], 'plan:read')).toBe(false)
    expect(scopesAllow(['READ'], 'no:such')).toBe(false)
  })

  it('name the scope a refusal asks for', () => {
    expect(scopeFor('run:start')).toBe('RUNS_START')
    expect(scopeFor('plan:edit')).toBe('PLANS_WRITE')
    expect(scopeFor('window:approve')).toBeNull()
  })
})
