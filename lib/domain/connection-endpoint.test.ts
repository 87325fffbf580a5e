import { describe, expect, it } from 'vitest'
import { endpointMoved, passwordRetypeReason, type Endpoint } from './connection-endpoint'

const saved: Endpoint = { host: 'db.internal', port: 5432, database: 'orders', username: 'app', sslMode: 'require' }

describe('passwordRetypeReason', () => {
  it('names every part that moved the connection', () => {
    expect(passwordRetypeReason(saved, { ...saved, host: 'evil.example' })).toBe(
      'You changed the host; type the password again – a stored password is only ever sent to the server it was saved for.',
    )
    expect(passwordRetypeReason(saved, { ...saved, host: 'evil.example', port: 15432, username: 'root' })).toMatch(
      /^You changed the host, the port and the user;/,
    )
    expect(passwordRetypeReason(saved, { ...saved, database: 'postgres' })).toMatch(/^You changed the database;/)
  })

  it('orders SSL modes by strength: weaker asks again, stronger does not', () => {
    expect(passwordRetypeReason(saved, { ...saved, sslMode: 'prefer' })).toMatch(
      /^You weakened the SSL mode from require to prefer;/,
    )
    expect(passwordRetypeReason({ ...saved, sslMode: 'verify-full' }, saved)).toMatch(/from verify-full to require/)
    expect(passwordRetypeReason({ ...saved, sslMode: 'prefer' }, { ...saved, sslMode: 'disable' })).toMatch(
      /from prefer to disable/,
    )
    expect(passwordRetypeReason(saved, { ...saved, sslMode: 'verify-full' })).toBeNull()
  })

  it('keeps the password for the same endpoint, whatever the host name case', () => {
    expect(passwordRetypeReason(saved, { ...saved, host: 'DB.Internal' })).toBeNull()
    expect(endpointMoved(saved, { ...saved, sslMode: 'disable' })).toBe(false)
    expect(endpointMoved(saved, { ...saved, port: 5433 })).toBe(true)
  })
})
