import { NextResponse, type NextRequest } from 'next/server'
import { contentSecurityPolicy, newNonce } from '@/lib/auth/csp'
import { appEnv } from '@/lib/env'
import { isOversized, TOO_LARGE_REQUEST } from '@/lib/auth/request-size'
import { FORGED_WRITE, isForgedWrite } from '@/lib/auth/same-origin'
import { sessionCookie } from '@/lib/auth/session-rules'

// Four jobs, none of them a decision about access (the data layer makes those on every call):
// - a state-changing request without this site's Origin is refused (lib/auth/same-origin.ts), but for /api/v1;
// - a request declaring a body larger than Lockstep ever reads is refused (lib/auth/request-size.ts; the web
//   server also counts bodies that declare nothing, lib/runtime/web-server.ts);
// - every page gets a Content-Security-Policy with a fresh nonce, which Next.js reads from the request and
//   puts on the scripts it renders;
// - visitors without a session cookie are sent to sign in (optimistically: any cookie gets past this).
// It runs for every request, router prefetches included: a header a client chooses must never skip the checks.

const PUBLIC = /^\/(login|api)(\/|$)/
const API_V1 = /^\/api\/v1(\/|$)/

export function proxy(request: NextRequest) {
  const env = appEnv()
  // /api/v1 authenticates bearer tokens only, never the session cookie (lib/api/v1/handler.ts): a request there
  // from another site carries no authority a browser adds by itself, and pipelines send no Origin.
  if (!API_V1.test(request.nextUrl.pathname) && isForgedWrite(request.method, request.headers, env.TRUSTED_PROXIES))
    return new NextResponse(FORGED_WRITE, { status: 403 })
  if (isOversized(request.headers)) return new NextResponse(TOO_LARGE_REQUEST, { status: 413 })
  const { pathname, search } = request.nextUrl
  if (!PUBLIC.test(pathname) && !request.cookies.has(sessionCookie(env.LOCKSTEP_ALLOW_INSECURE_HTTP).name)) {
    const url = request.nextUrl.clone()
    url.pathname = '/login'
    url.search = pathname === '/' ? '' : `?next=${encodeURIComponent(pathname + search)}`
    return NextResponse.redirect(url)
  }
  // A prefetched route is a React Server Components payload, not a document: it runs no script of its own, so it
  // needs no nonce, and leaving it without one keeps a prefetch as cheap as it was.
  if (request.headers.get('rsc') === '1' && request.headers.has('next-router-prefetch')) return NextResponse.next()
  const nonce = newNonce()
  const policy = contentSecurityPolicy(nonce, { development: env.NODE_ENV === 'development' })
  const headers = new Headers(request.headers)
  headers.set('x-nonce', nonce)
  headers.set('Content-Security-Policy', policy)
  const response = NextResponse.next({ request: { headers } })
  response.headers.set('Content-Security-Policy', policy)
  return response
}

export const config = {
  // Pages and route handlers; not the build's static files, which carry no markup to protect.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|icon.svg).*)'],
}
