import type { ReportChange } from '@/lib/server/reports/changes'

const LOOK: Record<ReportChange['tone'], [string, string, string]> = {
  better: ['▲', 'text-emerald-700', 'better'],
  worse: ['▼', 'text-red-700', 'worse'],
  neutral: ['•', 'text-zinc-500', 'changed'],
}

/** What changed between two reports, each line marked better, worse or neither. */
export function ReportChanges({ changes }: { changes: ReportChange[] }) {
  if (!changes.length) return <p className="text-sm text-zinc-500">Nothing changed.</p>
  return (
    <ul className="space-y-1 text-sm" data-testid="report-changes">
      {changes.map((c) => {
        const [glyph, colour, label] = LOOK[c.tone]
        return (
          <li key={c.text} className="flex gap-2">
            <span aria-label={label} className={`shrink-0 ${colour}`}>
              {glyph}
            </span>
            <span>{c.text}</span>
          </li>
        )
      })}
    </ul>
  )
}
