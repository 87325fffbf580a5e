import { NextResponse } from 'next/server'
import { DomainError } from '@/lib/server/errors'

const STATUS: Record<DomainError['code'], number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 404,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID: 400,
  REAUTHENTICATE: 401,
}

/** Runs a GET handler body; domain errors become JSON with the right status, anything else a plain 500. */
export async function respond<T>(body: () => Promise<T>): Promise<NextResponse> {
  try {
    return NextResponse.json(await body(), { headers: { 'Cache-Control': 'no-store' } })
  } catch (error) {
    if (error instanceof DomainError) return NextResponse.json({ error: error.message }, { status: STATUS[error.code] })
    console.error('[api] unexpected failure', error)
    return NextResponse.json({ error: 'Internal error' }, { status: 500 })
  }
}
