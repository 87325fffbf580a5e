import { describe, expect, it } from 'vitest'
import { isForgedWrite } from './same-origin'

const headers = (entries: Record<string, string>) => new Headers(entries)
const NONE: readonly string[] = []
const PROXY = ['10.0.0.0/8']

describe('isForgedWrite', () => {
  it("lets reads through, and writes from the page's own origin", () => {
    expect(isForgedWrite('GET', headers({ host: 'lockstep.example' }), NONE)).toBe(false)
    expect(isForgedWrite('POST', headers({ host: 'localhost:3000', origin: 'http://localhost:3000' }), NONE)).toBe(
      false,
    )
  })

  it('refuses writes without an Origin, from another site, or from an opaque origin', () => {
    expect(isForgedWrite('POST', headers({ host: 'localhost:3000' }), NONE)).toBe(true)
    expect(isForgedWrite('post', headers({ host: 'localhost:3000', origin: 'https://evil.example' }), NONE)).toBe(true)
    expect(isForgedWrite('DELETE', headers({ host: 'localhost:3000', origin: 'http://localhost:3001' }), NONE)).toBe(
      true,
    )
    expect(isForgedWrite('POST', headers({ host: 'localhost:3000', origin: 'null' }), NONE)).toBe(true)
    expect(isForgedWrite('POST', headers({ host: 'localhost:3000', origin: 'not a url' }), NONE)).toBe(true)
  })
})

describe('isForgedWrite behind a proxy', () => {
  const forgedPost = (entries: Record<string, string>, trusted: readonly string[]) =>
    isForgedWrite('POST', headers(entries), trusted)
  // The web server appends the connection's address to X-Forwarded-For: its last entry is the peer.
  const viaProxy = {
    host: '10.0.0.5:3000',
    'x-forwarded-host': 'lockstep.example',
    'x-forwarded-for': '198.51.100.7, 10.0.0.2',
    origin: 'https://lockstep.example',
  }

  it('takes the host from X-Forwarded-Host when the connection came from a trusted proxy', () => {
    expect(forgedPost(viaProxy, PROXY)).toBe(false)
    expect(forgedPost({ ...viaProxy, origin: 'https://evil.example' }, PROXY)).toBe(true)
  })

  it('ignores X-Forwarded-Host without a trusted proxy, so a foreign Origin cannot vouch for itself', () => {
    const forged = { host: 'localhost:3000', 'x-forwarded-host': 'evil.example', origin: 'https://evil.example' }
    expect(forgedPost({ ...forged, 'x-forwarded-for': '127.0.0.1' }, NONE)).toBe(true)
    // A trusted address earlier in X-Forwarded-For is what the client wrote; only the connection's own counts.
    expect(forgedPost({ ...forged, 'x-forwarded-for': '10.0.0.2, 198.51.100.7' }, PROXY)).toBe(true)
    expect(forgedPost({ ...viaProxy, 'x-forwarded-for': '198.51.100.7' }, PROXY)).toBe(true)
    expect(forgedPost(viaProxy, NONE)).toBe(true)
  })
})
