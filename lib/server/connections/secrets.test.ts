import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decryptSecret, encryptSecret, redact, SecretKeyError } from './secrets'

describe('connection secrets', () => {
  const key = randomBytes(32)

  it('round-trips, and the ciphertext does not contain the password', () => {
    const blob = encryptSecret('s3cret-Passw0rd', 'conn-1', key)
    expect(blob.includes(Buffer.from('s3cret-Passw0rd'))).toBe(false)
    expect(decryptSecret(blob, 'conn-1', key)).toBe('s3cret-Passw0rd')
    expect(encryptSecret('s3cret-Passw0rd', 'conn-1', key).equals(blob)).toBe(false) // a fresh IV each time
  })

  it('fails loudly with a wrong key, another row, or altered bytes', () => {
    const blob = encryptSecret('pw', 'conn-1', key)
    expect(() => decryptSecret(blob, 'conn-1', randomBytes(32))).toThrow(SecretKeyError)
    expect(() => decryptSecret(blob, 'conn-2', key)).toThrow(SecretKeyError)
    const altered = Buffer.from(blob)
    altered[altered.length - 1] = (altered.at(-1) ?? 0) ^ 1
    expect(() => decryptSecret(altered, 'conn-1', key)).toThrow(SecretKeyError)
    expect(() => decryptSecret(Buffer.from('short'), 'conn-1', key)).toThrow(/cannot be decrypted/)
  })

  it('redacts passwords from URLs and messages', () => {
    expect(redact('postgresql://app:hunter2@db:5432/x')).toBe('postgresql://app:****@db:5432/x')
    expect(redact('password=hunter2 host=db')).toBe('password=**** host=db')
    expect(redact('auth failed for hunter2', ['hunter2'])).toBe('auth failed for ****')
  })
})
