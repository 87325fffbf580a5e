import { Badge } from '@/components/ui/badge'
import type { StepLintDTO } from '@/lib/server/plans/lint'

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** The lint verdict in a few words: errors (and whether a DBA accepted them) and warnings. */
export function LintBadge({
  lint,
  accepted,
}: {
  lint: Pick<StepLintDTO, 'errors' | 'warnings'> | null
  accepted: boolean
}) {
  if (!lint) return <span className="text-xs text-zinc-500">not linted</span>
  if (lint.errors > 0)
    return (
      <Badge
        tone={accepted ? 'warning' : 'danger'}
      >{`${plural(lint.errors, 'lint error')}${accepted ? ' · accepted' : ''}`}</Badge>
    )
  if (lint.warnings > 0) return <Badge tone="warning">{plural(lint.warnings, 'lint warning')}</Badge>
  return <Badge tone="success">lint clean</Badge>
}

/** How the script runs, then each statement with the lock it takes and squawk's findings on it. */
export function LintTable({ lint }: { lint: StepLintDTO }) {
  return (
    <>
      {lint.transactions ? <p className="px-3 py-1 text-xs text-zinc-600">Runs {lint.transactions}.</p> : null}
      {/* Wide statements and lock names scroll inside the step, not the page (a phone's width). */}
      <div className="overflow-x-auto">
        <table className="w-full border-t border-zinc-200 text-xs" aria-label="Lint findings">
          <thead className="bg-zinc-100 text-left text-zinc-600">
            <tr>
              <th className="px-3 py-1 font-medium">Line</th>
              <th className="px-3 py-1 font-medium">Statement</th>
              <th className="px-3 py-1 font-medium">Lock</th>
              <th className="px-3 py-1 font-medium">Findings</th>
            </tr>
          </thead>
          <tbody>
            {lint.statements.map((s) => (
              <tr key={s.line} className="border-t border-zinc-100 align-top">
                <td className="px-3 py-1 tabular-nums">{s.line}</td>
                <td className="max-w-md px-3 py-1">
                  <code className="line-clamp-2 font-mono break-all">{s.sql}</code>
                  {!s.inTransaction ? <span className="text-amber-800">runs outside a transaction</span> : null}
                </td>
                <td className="px-3 py-1 whitespace-nowrap">{s.lock}</td>
                <td className="px-3 py-1">
                  {s.findings.length === 0 ? (
                    <span className="text-zinc-500">none</span>
                  ) : (
                    <ul className="space-y-1">
                      {s.findings.map((f, i) => (
                        <li key={i}>
                          <span
                            className={
                              f.level === 'error' ? 'font-semibold text-red-700' : 'font-semibold text-amber-800'
                            }
                          >
                            {f.level}
                          </span>{' '}
                          <code>{f.rule}</code>: {f.message}
                          {f.help ? <span className="block text-zinc-500">{f.help}</span> : null}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  )
}
