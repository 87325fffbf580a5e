import type { Nodes } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { toString } from 'mdast-util-to-string'
import { gfm } from 'micromark-extension-gfm'
import { describe, expect, it } from 'vitest'
import { formatReportMarkdown } from './markdown'
import type { ReportDTO } from './queries'

const XSS = '<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3)) <javascript:alert(4)>'

const report: ReportDTO = {
  plan: { id: 'p', title: `Orders ${XSS}`, status: 'ACTIVE', ownerName: `Lee ${XSS}`, startDate: null },
  generatedAt: '2026-11-20T06:00:00.000Z',
  verdict: { status: 'BLOCKED', reasons: [`Phase “Copy ${XSS}” is blocked.`] },
  progress: 40,
  phases: [
    {
      name: `Copy | ${XSS}`,
      status: 'BLOCKED',
      plannedStart: '2026-01-05',
      plannedEnd: '2026-01-10',
      plannedLabel: null,
      actualStart: null,
      actualEnd: null,
      slippageDays: 3,
      itemsDone: 0,
      itemsTotal: 0,
    },
  ],
  windows: [
    {
      environmentName: `prod ${XSS}`,
      phaseName: null,
      status: 'APPROVED',
      startsAt: '2026-11-21T06:00:00.000Z',
      endsAt: '2026-11-21T08:00:00.000Z',
      active: false,
    },
  ],
  risks: [
    {
      id: 'r1',
      title: `Lag ${XSS}`,
      impact: 'HIGH',
      likelihood: 'POSSIBLE',
      score: 9,
      status: 'OPEN',
      owner: `<b>me</b>`,
      mitigation: `Throttle ${XSS}`,
      critical: false,
    },
  ],
  runs: [
    {
      id: 'run1',
      phaseName: `Copy ${XSS}`,
      environmentName: 'staging',
      status: 'SUCCEEDED',
      dryRun: false,
      startedAt: '2026-11-19T10:00:00.000Z',
      finishedAt: null,
      seconds: 60,
    },
  ],
  validation: {
    id: 'v',
    status: 'PASSED',
    environmentName: `staging ${XSS}`,
    finishedAt: null,
    tables: 2,
    matching: 2,
    differing: 0,
    findings: 0,
    rulesFailed: 0,
  },
  criteria: [{ text: `Counts match ${XSS}`, status: 'PENDING', evidenceId: null, evaluatedAt: null }],
}

const tree = (markdown: string) => fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] })

/** What a renderer would show as HTML or as a link in `markdown`. */
function activeContent(markdown: string): string[] {
  const found: string[] = []
  const visit = (node: Nodes) => {
    if (node.type === 'html' || node.type === 'link' || node.type === 'image' || node.type === 'definition')
      found.push(node.type === 'html' ? node.value : node.url)
    if ('children' in node) node.children.forEach(visit)
  }
  visit(tree(markdown))
  return found
}

describe('the report as Markdown', () => {
  it('writes every name and text of the plan as text: no HTML, no link, however they are spelled', () => {
    const markdown = formatReportMarkdown(report, {
      id: 's',
      takenAt: '2026-11-19T06:00:00.000Z',
      changes: [{ text: `Risk “${XSS}” was opened.`, tone: 'worse' }],
    })
    expect(activeContent(markdown)).toEqual([])
    // …and reads as what was typed, with the table's columns where they belong.
    const text = toString(tree(markdown))
    expect(text).toContain(`Status report: Orders ${XSS}`)
    expect(text).toContain(`Risk “${XSS}” was opened.`)
    expect(markdown).toContain('| Phase | Status | Planned | Actual | Slippage (days) | Checklist |')
    expect(markdown).toMatch(/^\| Copy \\\| .* \| blocked \| 2026-01-05 → 2026-01-10 \| — \| 3 \| 0\/0 \| — \|$/m)
  })
})
