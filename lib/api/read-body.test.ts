import { describe, expect, it } from 'vitest'
import { readBodyText } from './read-body'

/** A request whose body arrives in `count` pieces of `size` bytes, counting how many were pulled and whether it was cancelled. */
function streamedRequest(count: number, size: number, headers: Record<string, string> = {}) {
  const pulled = { pieces: 0, cancelled: false }
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.pieces === count) return controller.close()
      pulled.pieces++
      controller.enqueue(new Uint8Array(size).fill(0x61))
    },
    cancel() {
      pulled.cancelled = true
    },
  })
  const request = new Request('http://lockstep.test/api/sql/lint', {
    method: 'POST',
    body,
    headers,
    duplex: 'half',
  } as RequestInit)
  return { request, pulled }
}

describe('readBodyText', () => {
  it('reads a body within the limit in full', async () => {
    const { request } = streamedRequest(4, 1000)
    expect(await readBodyText(request, 4000)).toBe('a'.repeat(4000))
  })

  it('gives up on a body without a length as soon as it passes the limit, and reads no further', async () => {
    const { request, pulled } = streamedRequest(10_000, 1000)
    expect(await readBodyText(request, 4000)).toBeNull()
    expect(pulled.pieces).toBeLessThanOrEqual(6)
    expect(pulled.cancelled).toBe(true)
  })

  it('refuses a declared length over the limit without reading', async () => {
    const { request, pulled } = streamedRequest(10, 1000, { 'content-length': '10000' })
    expect(await readBodyText(request, 4000)).toBeNull()
    expect(pulled.pieces).toBeLessThanOrEqual(1)
  })

  it('decodes UTF-8 split across pieces', async () => {
    const bytes = new TextEncoder().encode('Zürich ✓')
    const request = new Request('http://lockstep.test/', {
      method: 'POST',
      body: new Blob([bytes.slice(0, 2), bytes.slice(2)]),
    })
    expect(await readBodyText(request, 100)).toBe('Zürich ✓')
  })
})
