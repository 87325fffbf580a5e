import { NextResponse } from 'next/server'
import { readBodyText } from '@/lib/api/read-body'
import { respond } from '@/lib/api/respond'
import { requireActor } from '@/lib/auth/current-user'
import { MAX_SCRIPT_CHARS, previewLint } from '@/lib/server/plans/lint'

export const dynamic = 'force-dynamic'

/**
 * The step editor's "Check lint": lints a script without storing anything. JSON only – a cross-site form
 * cannot send it, and a cross-site script would need a preflight this route never grants.
 */
export async function POST(request: Request) {
  if (!request.headers.get('content-type')?.startsWith('application/json'))
    return NextResponse.json({ error: 'Send JSON.' }, { status: 415 })
  // At most 3 bytes of UTF-8 for each character a script may have, and the JSON around it.
  const text = await readBodyText(request, (MAX_SCRIPT_CHARS + 1_000) * 3)
  if (text === null || text.length > MAX_SCRIPT_CHARS + 1_000)
    return NextResponse.json(
      { error: `A script has at most ${MAX_SCRIPT_CHARS.toLocaleString('en')} characters.` },
      { status: 413 },
    )
  return respond(async () => {
    const actor = await requireActor('plan:edit')
    let body: unknown = null
    try {
      body = JSON.parse(text)
    } catch {
      // answered below as "write a script"
    }
    return previewLint(actor, body)
  })
}
