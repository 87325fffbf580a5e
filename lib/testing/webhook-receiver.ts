import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

// A real HTTP server that receives webhooks in a test: it keeps every request and answers each with what
// `answer` says for it (by its number, from 0). `hang` leaves the request unanswered (a timeout).

export type Received = { headers: IncomingHttpHeaders; body: string; path: string }
export type Answer = { status: number; body?: string } | 'hang'

export async function startReceiver(answer: (n: number) => Answer = () => ({ status: 200, body: 'ok' }), port = 0) {
  const received: Received[] = []
  const hanging = new Set<() => void>()
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const n =
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), path: req.url ?? '' }) - 1
      const reply = answer(n)
      if (reply === 'hang') {
        hanging.add(() => res.destroy())
        return
      }
      res.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.body ?? '')
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const { port: bound } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${bound}/hook`,
    port: bound,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const drop of hanging) drop()
        server.close(() => resolve())
      }),
  }
}

/** A port nothing listens on: bound once, then closed. */
export async function closedPort(): Promise<number> {
  const r = await startReceiver()
  await r.close()
  return r.port
}
