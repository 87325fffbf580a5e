import { NextResponse } from 'next/server'
import { getActor } from '@/lib/auth/current-user'
import { can } from '@/lib/auth/permissions'
import { formatPlanDocument } from '@/lib/plan-document/format'
import { DomainError } from '@/lib/server/errors'
import { exportPlanDocument } from '@/lib/server/plans/documents'

/** The plan as a Markdown download, in the layout the importer reads back. */
export async function GET(request: Request, { params }: { params: Promise<{ planId: string }> }) {
  const actor = await getActor()
  if (!actor) return NextResponse.redirect(new URL('/login', request.url))
  if (!can(actor.role, 'plan:read')) return new NextResponse('Not found', { status: 404 })
  try {
    const plan = await exportPlanDocument(actor, (await params).planId)
    const slug = plan.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80) || 'plan'
    return new NextResponse(formatPlanDocument(plan), {
      headers: {
        'Content-Type': 'text/markdown; charset=utf-8',
        'Content-Disposition': `attachment; filename="${slug}.md"`,
        'Cache-Control': 'no-store',
      },
    })
  } catch (error) {
    if (error instanceof DomainError && error.code === 'NOT_FOUND') return new NextResponse('Plan not found', { status: 404 })
    throw error
  }
}
