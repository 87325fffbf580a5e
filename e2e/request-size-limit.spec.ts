import { expect, test } from '@playwright/test'
import { MAX_REQUEST_BYTES, TOO_LARGE_REQUEST } from '@/lib/auth/request-size'
import { postChunked } from './fixtures/chunked-post'
import { serverActionId } from './fixtures/server-actions'
import { BASE_URL } from './fixtures/settings'

// No request body over 3 MB is read, whether it declares its length or not: the web server counts a chunked
// body as it arrives and answers 413 once it passes the limit, for route handlers, Auth.js and server actions
// alike, signed out. (A declared 50 MB body has its own test in hostile-input.spec.ts.)

const MB = 1024 * 1024
// The limit, then what the operating system's socket buffers hold before the server's answer stops the client.
const SENT_AT_MOST = MAX_REQUEST_BYTES + 32 * MB

const cases = [
  {
    name: 'the SQL lint route',
    path: '/api/sql/lint',
    bytes: 300 * MB,
    headers: () => ({ 'Content-Type': 'application/json' }),
  },
  {
    name: 'the Auth.js sign-in callback',
    path: '/api/auth/callback/credentials',
    bytes: 100 * MB,
    headers: () => ({ 'Content-Type': 'application/x-www-form-urlencoded' }),
  },
  {
    name: 'the sign-in server action',
    path: '/login',
    bytes: 100 * MB,
    // The action's id is read from the build, which exists only once the server is up: hence a function.
    headers: () => ({
      'Content-Type': 'text/plain;charset=UTF-8',
      Accept: 'text/x-component',
      'Next-Action': serverActionId('lib/actions/auth.ts', 'signInAction'),
    }),
  },
]

for (const { name, path, bytes, headers } of cases) {
  test(`a chunked ${bytes / MB} MB body to ${name}, signed out, is refused with 413 once it passes the limit`, async () => {
    const reply = await postChunked(`${BASE_URL}${path}`, bytes, { Origin: BASE_URL, ...headers() })
    expect(reply.status).toBe(413)
    expect(reply.body).toBe(TOO_LARGE_REQUEST)
    expect(reply.sent).toBeLessThan(SENT_AT_MOST)
    expect(reply.ms).toBeLessThan(10_000)
  })
}

test('a chunked body within the limit still reaches the route whole', async () => {
  // Signed out, the lint route reads the whole body and only then asks for a session: 401, not 413.
  // Over 1 MB of UTF-8, yet fewer characters than a script may have.
  const script = Buffer.from(JSON.stringify({ sql: `SELECT 1;\n${'-- éééééééé\n'.repeat(70_000)}` }))
  expect(script.length).toBeGreaterThan(1.4 * MB)
  expect(script.toString().length).toBeLessThan(1_000_000) // MAX_SCRIPT_CHARS, lib/server/plans/lint.ts
  const reply = await postChunked(`${BASE_URL}/api/sql/lint`, script, {
    Origin: BASE_URL,
    'Content-Type': 'application/json',
  })
  expect(reply.status).toBe(401)
  expect(reply.sent).toBe(script.length)
})
