import { createServer, IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { isTrustedProxy, type TrustedProxies } from '@/lib/auth/forwarded'
import { TOO_LARGE_REQUEST } from '@/lib/auth/request-size'

// The HTTP server of one web process, in front of Next.js's request handler. It holds two rules no route can
// forget and no header or matcher can route around:
// - a request body is counted as it arrives, whoever reads it (a route handler, a server action, Auth.js, or
//   Next.js copying it for proxy.ts): past the limit the request gets 413, no more of it is read, and the
//   reader never sees an end – so a cut body can never pass for a whole one;
// - X-Forwarded-* headers are dropped unless the connection comes from a trusted proxy, and X-Forwarded-For
//   always ends with the connection's own address (lib/auth/forwarded.ts reads them).

/** After answering with a body still coming, how long the client gets to read the answer before the connection is cut. */
const LINGER_MS = 2_000

const FORWARDED_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-proto',
  'x-real-ip',
]

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>
export type WebServerOptions = { maxBodyBytes: number; trustedProxies: TrustedProxies }

/** A request whose body stops at a limit. Node's HTTP parser hands each piece of the body to push(). */
class BoundedRequest extends IncomingMessage {
  #limit = Number.POSITIVE_INFINITY
  #received = 0
  #stopped = false
  #onLimit: (() => void) | null = null

  limitBody(bytes: number, onLimit: () => void): void {
    this.#limit = bytes
    this.#onLimit = onLimit
  }

  /** Nothing more is read from the connection or handed to a reader, not even the body's end. */
  stopReading(): void {
    this.#stopped = true
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (this.#stopped) return false
    if (chunk !== null && chunk !== undefined) {
      this.#received += Buffer.isBuffer(chunk) ? chunk.length : Buffer.byteLength(String(chunk))
      if (this.#received > this.#limit) {
        this.#stopped = true
        this.#onLimit?.()
        return false
      }
    }
    return super.push(chunk, encoding)
  }

  // Reading more is what resumes the connection; a stopped request leaves it paused.
  override _read(size: number): void {
    if (!this.#stopped) super._read(size)
  }
}

export function createWebServer(handle: RequestHandler, options: WebServerOptions): Server {
  return createServer({ IncomingMessage: BoundedRequest }, (req, res) => {
    settleForwardedHeaders(req, options.trustedProxies)
    // Before Node's own listener, which would otherwise read and discard whatever body is left, however long.
    res.prependListener('finish', () => {
      if (req.complete) return
      req.stopReading()
      closeInStages(req.socket)
    })
    const declared = Number(req.headers['content-length'] ?? 0)
    if (Number.isFinite(declared) && declared > options.maxBodyBytes) return refuse(req, res)
    req.limitBody(options.maxBodyBytes, () => refuse(req, res))
    void handle(req, res)
  })
}

function refuse(req: BoundedRequest, res: ServerResponse): void {
  req.stopReading()
  if (res.writableEnded) return // already answered: the finish listener closes the connection
  if (res.headersSent) return void req.socket.destroy() // an answer half sent cannot be finished honestly
  for (const name of res.getHeaderNames()) res.removeHeader(name)
  // No `Connection: close`: Node would then cut the connection at once, and a client still sending could lose
  // the answer to the reset. closeInStages ends it once the answer is out.
  res.writeHead(413, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(TOO_LARGE_REQUEST),
    'Cache-Control': 'no-store',
  })
  res.end(TOO_LARGE_REQUEST)
}

const closing = new WeakSet<Socket>()

/** Ends the connection after the answer and, should the client keep it open, cuts it LINGER_MS later (RFC 9112, 9.6). */
function closeInStages(socket: Socket): void {
  if (closing.has(socket)) return
  closing.add(socket)
  socket.end()
  const cut = setTimeout(() => socket.destroy(), LINGER_MS)
  cut.unref()
  socket.once('close', () => clearTimeout(cut))
}

function settleForwardedHeaders(req: IncomingMessage, trusted: TrustedProxies): void {
  const peer = req.socket.remoteAddress
  if (!isTrustedProxy(peer, trusted)) for (const name of FORWARDED_HEADERS) delete req.headers[name]
  if (!peer) return
  const chain = req.headers['x-forwarded-for']
  req.headers['x-forwarded-for'] = chain ? `${chain}, ${peer}` : peer
}
