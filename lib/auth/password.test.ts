import { describe, expect, it } from 'vitest'
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './password'

const parameters = (encoded: string) => encoded.split('$').slice(1, 4).join('$')

describe('the hash verified for unknown emails', () => {
  it('costs what a real one does: same algorithm, version, memory, passes and lanes', async () => {
    expect(parameters(DUMMY_PASSWORD_HASH)).toBe(parameters(await hashPassword('any password at all')))
  })

  it('is a hash that verifies, so the verification runs in full', async () => {
    expect(await verifyPassword(DUMMY_PASSWORD_HASH, 'lockstep-timing-equaliser')).toBe(true)
    expect(await verifyPassword(DUMMY_PASSWORD_HASH, 'something else')).toBe(false)
  })
})
