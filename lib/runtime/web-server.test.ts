import { once } from 'node:events'
import { request, type IncomingHttpHeaders, type Server } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { MAX_REQUEST_BYTES, TOO_LARGE_REQUEST } from '@/lib/auth/request-size'
import { createWebServer, type RequestHandler } from './web-server'

// The web server in front of Next.js, started on a random port and called over real HTTP.

const MiB = 1024 * 1024
const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

async function start(handle: RequestHandler, trustedProxies: readonly string[] = []): Promise<number> {
  const server = createWebServer(handle, { maxBodyBytes: MAX_REQUEST_BYTES, trustedProxies })
  servers.push(server)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return (server.address() as AddressInfo).port
}

/** Reads the whole body, as a route handler does, and says how much it got; `ended` only once the body was complete. */
function bodyReader() {
  const seen = { bytes: 0, ended: false, calls: 0 }
  const handle: RequestHandler = async (req, res) => {
    seen.calls++
    try {
      for await (const chunk of req) seen.bytes += (chunk as Buffer).length
      seen.ended = true
      res.end(`read ${seen.bytes}`)
    } catch {
      // the connection was cut: nothing to answer
    }
  }
  return { seen, handle }
}

type Reply = { status: number; body: string; sent: number }

/** Sends up to `total` bytes without a Content-Length (chunked), stopping once the server answers, as a browser would. */
function sendChunked(port: number, total: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const reply: Reply = { status: 0, body: '', sent: 0 }
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/sql/lint',
      headers: { 'content-type': 'application/json' },
    })
    req.on('response', (res) => {
      reply.status = res.statusCode ?? 0
      res.setEncoding('utf8')
      res.on('data', (text: string) => (reply.body += text))
      res.on('end', () => {
        resolve(reply)
        req.destroy()
      })
    })
    req.on('error', (error) => (reply.status ? undefined : reject(error)))
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    const pump = () => {
      while (!reply.status && !req.destroyed && reply.sent < total) {
        reply.sent += chunk.length
        if (!req.write(chunk)) return void req.once('drain', pump)
      }
      if (!req.destroyed) req.end()
    }
    pump()
  })
}

/**
 * A client that ignores every answer and keeps sending until the server cuts the connection (or `total` bytes are
 * out). The body is chunked unless `contentLength` declares it. Resolves with what it sent and what it was told.
 */
function flood(port: number, total: number, contentLength?: number): Promise<{ sent: number; answer: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true })
    let sent = 0
    let answer = ''
    socket.setEncoding('latin1')
    socket.on('data', (text: string) => (answer += text))
    socket.on('error', () => undefined)
    socket.on('close', () => resolve({ sent, answer }))
    const framing = contentLength === undefined ? 'Transfer-Encoding: chunked' : `Content-Length: ${contentLength}`
    socket.write(
      `POST /api/sql/lint HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n${framing}\r\n\r\n`,
    )
    const data = Buffer.alloc(64 * 1024, 0x20)
    const chunk =
      contentLength === undefined
        ? Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')])
        : data
    const pump = () => {
      while (!socket.destroyed && sent < total) {
        sent += data.length
        if (!socket.write(chunk)) return void socket.once('drain', pump)
      }
      if (!socket.destroyed) socket.end(contentLength === undefined ? '0\r\n\r\n' : '')
    }
    pump()
  })
}

function get(port: number, headers: Record<string, string>): Promise<IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/', headers }, (res) => {
      let body = ''
      res.on('data', (text: string) => (body += text))
      res.on('end', () => resolve(JSON.parse(body) as IncomingHttpHeaders))
    })
      .on('error', reject)
      .end()
  })
}

describe('request bodies', () => {
  // What a client gets into the network before the server stops reading: the limit, then socket buffers.
  const BOUND = MAX_REQUEST_BYTES + 24 * MiB

  it('refuses a chunked body once it passes the limit with 413, and the handler never sees more than the limit nor an end', async () => {
    const { seen, handle } = bodyReader()
    const port = await start(handle)
    const reply = await sendChunked(port, 100 * MiB)
    expect(reply.status).toBe(413)
    expect(reply.body).toBe(TOO_LARGE_REQUEST)
    expect(reply.sent).toBeLessThan(BOUND)
    expect(seen.bytes).toBeLessThanOrEqual(MAX_REQUEST_BYTES)
    expect(seen.ended).toBe(false)
  })

  it('cuts off a client that keeps sending a chunked body past the limit', async () => {
    const { seen, handle } = bodyReader()
    const port = await start(handle)
    const { sent, answer } = await flood(port, 200 * MiB)
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
    expect(answer.endsWith(TOO_LARGE_REQUEST)).toBe(true)
    expect(sent).toBeLessThan(BOUND)
    expect(seen.bytes).toBeLessThanOrEqual(MAX_REQUEST_BYTES)
  })

  it('refuses a declared Content-Length over the limit before the handler runs, and reads no more of it', async () => {
    const { seen, handle } = bodyReader()
    const port = await start(handle)
    const { sent, answer } = await flood(port, 200 * MiB, 200 * MiB)
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
    expect(seen.calls).toBe(0)
    expect(sent).toBeLessThan(BOUND)
  })

  it('reads no more of a body that a handler answered without reading', async () => {
    const port = await start(async (_req, res) => void res.writeHead(403).end('no'))
    const { sent, answer } = await flood(port, 200 * MiB)
    expect(answer).toMatch(/^HTTP\/1\.1 403 /)
    expect(sent).toBeLessThan(BOUND)
  })

  it('hands a chunked body within the limit to the handler in full', async () => {
    const { seen, handle } = bodyReader()
    const port = await start(handle)
    const reply = await sendChunked(port, 2 * MiB)
    expect(reply).toMatchObject({ status: 200, body: `read ${2 * MiB}` })
    expect(seen.ended).toBe(true)
  })
})

describe('forwarded headers', () => {
  const echo: RequestHandler = async (req, res) => void res.end(JSON.stringify(req.headers))
  const forwarded = {
    'x-forwarded-host': 'evil.example',
    'x-forwarded-proto': 'https',
    'x-forwarded-for': '203.0.113.9',
    'x-real-ip': '203.0.113.9',
    forwarded: 'for=203.0.113.9',
  }

  it('are dropped when the connection does not come from a trusted proxy, and X-Forwarded-For names the connection', async () => {
    const seen = await get(await start(echo), forwarded)
    expect(seen['x-forwarded-host']).toBeUndefined()
    expect(seen['x-forwarded-proto']).toBeUndefined()
    expect(seen['x-real-ip']).toBeUndefined()
    expect(seen.forwarded).toBeUndefined()
    expect(seen['x-forwarded-for']).toBe('127.0.0.1')
  })

  it('are kept from a trusted proxy, with the connection appended to X-Forwarded-For', async () => {
    const seen = await get(await start(echo, ['127.0.0.0/8']), forwarded)
    expect(seen['x-forwarded-host']).toBe('evil.example')
    expect(seen['x-forwarded-proto']).toBe('https')
    expect(seen['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1')
  })
})
