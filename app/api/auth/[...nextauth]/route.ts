import { NextRequest, NextResponse } from 'next/server'
import { readBodyText } from '@/lib/api/read-body'
import { handlers } from '@/lib/auth/config'

// Auth.js reads a posted body whole. Its forms (sign-in, sign-out) are a few hundred bytes, so the body is read
// here first, through a reader that gives up at a limit far below the web server's.
const MAX_AUTH_BODY_BYTES = 64 * 1024

export const { GET } = handlers

export async function POST(request: NextRequest): Promise<Response> {
  const body = await readBodyText(request, MAX_AUTH_BODY_BYTES)
  if (body === null)
    return new NextResponse(`Refused: a request to sign in or out carries at most ${MAX_AUTH_BODY_BYTES / 1024} KB.`, {
      status: 413,
    })
  return handlers.POST(new NextRequest(request.url, { method: 'POST', headers: request.headers, body }))
}
