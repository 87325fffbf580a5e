import { randomBytes, randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { shortId } from './short-id'

/** A UUIDv7 as RFC 9562 lays it out: 48 bits of milliseconds, the version, then random bits (with the variant). */
function uuidV7(ms: number, counter?: number): string {
  const bytes = randomBytes(16)
  bytes.writeUIntBE(ms, 0, 6)
  // Method 1 of the RFC (a counter in the bits after the time, as Rust's uuid crate does): only the rest is random.
  if (counter !== undefined) bytes.writeUInt16BE(counter & 0x0fff, 6)
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

describe('shortId', () => {
  const ms = Date.parse('2026-12-06T10:00:00.000Z')

  it('tells apart ids made in the same millisecond, whose beginnings are the same', () => {
    const ids = Array.from({ length: 50 }, () => uuidV7(ms))
    expect(new Set(ids.map((id) => id.slice(0, 8))).size).toBe(1)
    expect(new Set(ids.map(shortId)).size).toBe(ids.length)
  })

  it('tells apart consecutive ids of a counter in the same millisecond', () => {
    const ids = Array.from({ length: 50 }, (_, i) => uuidV7(ms, i))
    expect(new Set(ids.map((id) => id.slice(0, 13))).size).toBe(1)
    expect(new Set(ids.map(shortId)).size).toBe(ids.length)
  })

  it('is the last 8 hex digits, the same for any version of UUID', () => {
    expect(shortId('01a24b15-3c2d-7e4f-8a9b-0c1d2e3f4a5b')).toBe('2e3f4a5b')
    const v4 = randomUUID()
    expect(shortId(v4)).toBe(v4.slice(-8))
    expect(shortId(v4)).toMatch(/^[0-9a-f]{8}$/)
  })
})
