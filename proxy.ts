import { NextResponse, type NextRequest } from 'next/server'

// Optimistic only: sends visitors without a session cookie to sign in. The real checks happen in
// the data layer on every call.
const SESSION_COOKIES = ['authjs.session-token', '__Secure-authjs.session-token']

export function proxy(request: NextRequest) {
  if (SESSION_COOKIES.some((name) => request.cookies.has(name))) return NextResponse.next()
  const url = request.nextUrl.clone()
  url.pathname = '/login'
  url.search = request.nextUrl.pathname === '/' ? '' : `?next=${encodeURIComponent(request.nextUrl.pathname + request.nextUrl.search)}`
  return NextResponse.redirect(url)
}

export const config = {
  matcher: ['/((?!login|api|_next/static|_next/image|favicon.ico|icon.svg).*)'],
}
