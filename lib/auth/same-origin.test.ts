import { describe, expect, it } from 'vitest'
import { isForgedWrite } from './same-origin'

const headers = (entries: Record<string, string>) => new Headers(entries)

describe('isForgedWrite', () => {
  it("lets reads through, and writes from the page's own origin", () => {
    expect(isForgedWrite('GET', headers({ host: 'lockstep.example' }))).toBe(false)
    expect(isForgedWrite('POST', headers({ host: 'localhost:3000', origin: 'http://localhost:3000' }))).toBe(false)
    expect(isForgedWrite('POST', headers({ host: '10.0.0.5:3000', 'x-forwarded-host': 'lockstep.example', origin: 'https://lockstep.example' }))).toBe(false)
  })

  it('refuses writes without an Origin, from another site, or from an opaque origin', () => {
    expect(isForgedWrite('POST', headers({ host: 'localhost:3000' }))).toBe(true)
    expect(isForgedWrite('post', headers({ host: 'localhost:3000', origin: 'https://evil.example' }))).toBe(true)
    expect(isForgedWrite('DELETE', headers({ host: 'localhost:3000', origin: 'http://localhost:3001' }))).toBe(true)
    expect(isForgedWrite('POST', headers({ host: 'localhost:3000', origin: 'null' }))).toBe(true)
    expect(isForgedWrite('POST', headers({ host: 'localhost:3000', origin: 'not a url' }))).toBe(true)
  })
})
