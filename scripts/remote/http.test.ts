import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiProblem, request, retryAfterSeconds, ServerUnavailable } from './http'

// How `lockstep remote` takes what a server answers, against a real HTTP server started here: each route below
// answers as a server in that situation would. Every failure becomes one sentence; none repeats the token.

const TOKEN = 'lst_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG'
const seen: { path: string; authorization?: string; key?: string }[] = []
let limited = 0
const problem = (res: ServerResponse, status: number, code: string, detail: string) => {
  res.writeHead(status, { 'content-type': 'application/problem+json' })
  res.end(JSON.stringify({ type: `https://lockstep.dev/problems/${code}`, title: code, status, detail }))
}
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/api/v1/me': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"me"}'),
  '/api/v1/limited': (_req, res) => {
    if (++limited <= 2) return void res.writeHead(429, { 'retry-after': '1' }).end()
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"after":2}')
  },
  '/api/v1/always-limited': (_req, res) => void res.writeHead(429, { 'retry-after': '0' }).end(),
  '/api/v1/revoked': (_req, res) => problem(res, 401, 'unauthenticated', 'The token was revoked.'),
  '/api/v1/conflict': (_req, res) => problem(res, 409, 'conflict', 'V2__orders.sql ran on staging already.'),
  '/api/v1/broken': (_req, res) => problem(res, 500, 'internal', 'Something went wrong (request 42).'),
  '/api/v1/html': (_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>'),
  '/api/v1/elsewhere': (_req, res) => res.writeHead(302, { location: 'https://sso.example/login' }).end(),
  '/api/v1/not-json': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'),
}
let server: Server
let base: URL
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({
      path: req.url ?? '',
      authorization: req.headers.authorization,
      key: req.headers['idempotency-key'] as string,
    })
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname]
    if (route) route(req, res)
    else res.writeHead(404).end()
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
})
afterAll(() => new Promise<void>((done) => server.close(() => done())))

const config = () => ({ baseUrl: base, token: TOKEN })
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: Error) => e,
  )

describe('requests to /api/v1', () => {
  it('sends the token as a bearer token and the headers given', async () => {
    const { body } = await request(config(), 'POST', 'me', { body: {}, headers: { 'idempotency-key': 'k-1' } })
    expect(body).toEqual({ id: 'me' })
    expect(seen.at(-1)).toEqual({ path: '/api/v1/me', authorization: `Bearer ${TOKEN}`, key: 'k-1' })
  })

  it('waits as Retry-After says and tries again', async () => {
    const { body } = await request(config(), 'GET', 'limited')
    expect(body).toEqual({ after: 2 })
    expect(seen.filter((s) => s.path === '/api/v1/limited')).toHaveLength(3)
  })

  it('gives up after a few retries with one sentence', async () => {
    const error = await failure(request(config(), 'GET', 'always-limited'))
    expect(error).toBeInstanceOf(ServerUnavailable)
    expect(error?.message).toBe("Lockstep still limits this token's requests (429) after 4 retries: try again later.")
    expect(seen.filter((s) => s.path === '/api/v1/always-limited')).toHaveLength(5)
  }, 60_000)

  it('turns problems into refusals with the server’s detail', async () => {
    const revoked = await failure(request(config(), 'GET', 'revoked'))
    expect(revoked).toBeInstanceOf(ApiProblem)
    expect(revoked?.message).toBe('The token was refused (401): The token was revoked.')
    const conflict = await failure(request(config(), 'PUT', 'conflict', { body: {} }))
    expect(conflict).toMatchObject({ status: 409, code: 'conflict', message: 'V2__orders.sql ran on staging already.' })
  })

  it('says when the answer is not Lockstep’s, or the server fails', async () => {
    const messages = await Promise.all(
      ['broken', 'html', 'elsewhere', 'not-json'].map(async (path) => {
        const error = await failure(request(config(), 'GET', path))
        expect(error).toBeInstanceOf(ServerUnavailable)
        return error?.message.replace(base.origin, 'ORIGIN')
      }),
    )
    expect(messages).toEqual([
      'Lockstep at ORIGIN failed on its side (500): Something went wrong (request 42).',
      "ORIGIN answered 404 to /api/v1/html without a Lockstep problem: is --url (LOCKSTEP_URL) Lockstep's address?",
      "ORIGIN redirects /api/v1/elsewhere elsewhere (302): is --url (LOCKSTEP_URL) Lockstep's address?",
      "ORIGIN answered /api/v1/not-json with something that is not JSON: is --url (LOCKSTEP_URL) Lockstep's address?",
    ])
    for (const m of messages) expect(m).not.toContain(TOKEN)
  })

  it('says when nothing answers', async () => {
    const closed = createServer()
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((done) => closed.close(() => done()))
    const error = await failure(request({ baseUrl: new URL(`http://127.0.0.1:${port}/`), token: TOKEN }, 'GET', 'me'))
    expect(error).toBeInstanceOf(ServerUnavailable)
    expect(error?.message).toBe(`Cannot reach Lockstep at http://127.0.0.1:${port}: nothing answers there.`)
  })
})

describe('Retry-After', () => {
  it('takes seconds or a date, within a second and a minute; without one, backs off', () => {
    const now = Date.parse('2026-12-07T08:00:00Z')
    expect(retryAfterSeconds('3', 0, now)).toBe(3)
    expect(retryAfterSeconds('Mon, 07 Dec 2026 08:00:10 GMT', 0, now)).toBe(10)
    expect(retryAfterSeconds('0', 0, now)).toBe(1)
    expect(retryAfterSeconds('86400', 0, now)).toBe(60)
    expect([0, 1, 2].map((attempt) => retryAfterSeconds(null, attempt, now))).toEqual([1, 2, 4])
  })
})
