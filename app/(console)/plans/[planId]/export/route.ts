import { markdownDownload } from '@/lib/api/markdown-download'
import { formatPlanDocument } from '@/lib/plan-document/format'
import { exportPlanDocument } from '@/lib/server/plans/documents'

/** The plan as a Markdown download, in the layout the importer reads back. */
export async function GET(request: Request, { params }: { params: Promise<{ planId: string }> }) {
  const { planId } = await params
  return markdownDownload(request, 'plan:read', async (actor) => {
    const plan = await exportPlanDocument(actor, planId)
    return { title: plan.title, markdown: formatPlanDocument(plan) }
  })
}
