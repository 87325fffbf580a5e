import { markdownDownload } from '@/lib/api/markdown-download'
import { formatReportMarkdown } from '@/lib/server/reports/markdown'
import { getReportPage } from '@/lib/server/reports/history'

/** The plan's status report as a Markdown download. */
export async function GET(request: Request, { params }: { params: Promise<{ planId: string }> }) {
  const { planId } = await params
  return markdownDownload(request, 'report:read', async (actor) => {
    const { report, since } = await getReportPage(actor, planId)
    return { title: report.plan.title, markdown: formatReportMarkdown(report, since), suffix: '-status-report' }
  })
}
