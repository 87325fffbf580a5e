import { NextResponse } from 'next/server'
import { getActor, getEnrollingActor } from '@/lib/auth/current-user'
import { can, type Permission } from '@/lib/auth/permissions'
import type { UserActor } from '@/lib/server/actor'
import { DomainError } from '@/lib/server/errors'

/** A Markdown download for the signed-in reader with `permission`: a missing or foreign plan answers 404. */
export async function markdownDownload(
  request: Request,
  permission: Permission,
  make: (actor: UserActor) => Promise<{ title: string; markdown: string; suffix?: string }>,
): Promise<NextResponse> {
  const actor = await getActor()
  if (!actor)
    return NextResponse.redirect(new URL((await getEnrollingActor()) ? '/account/security' : '/login', request.url))
  if (!can(actor.role, permission)) return new NextResponse('Not found', { status: 404 })
  try {
    const { title, markdown, suffix = '' } = await make(actor)
    const slug =
      title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 80) || 'plan'
    return new NextResponse(markdown, {
      headers: {
        'Content-Type': 'text/markdown; charset=utf-8',
        'Content-Disposition': `attachment; filename="${slug}${suffix}.md"`,
        'Cache-Control': 'no-store',
      },
    })
  } catch (error) {
    if (error instanceof DomainError && error.code === 'NOT_FOUND')
      return new NextResponse('Plan not found', { status: 404 })
    throw error
  }
}
