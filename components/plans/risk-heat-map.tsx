import { cn } from '@/components/ui/cn'
import { IMPACT_LABELS, IMPACTS, LIKELIHOOD_LABELS, LIKELIHOODS } from '@/lib/domain/plan-values'
import type { RiskDTO } from '@/lib/server/plans/queries'

const SEVERITY_TONE = ['bg-emerald-100', 'bg-amber-100', 'bg-orange-200', 'bg-red-300'] as const

function tone(score: number) {
  return SEVERITY_TONE[score >= 15 ? 3 : score >= 8 ? 2 : score >= 4 ? 1 : 0]
}

/** Impact × likelihood grid with the number of risks still open or accepted in each cell. */
export function RiskHeatMap({ risks }: { risks: RiskDTO[] }) {
  const live = risks.filter((r) => r.status === 'OPEN' || r.status === 'ACCEPTED')
  const unrated = live.filter((r) => !r.impact || !r.likelihood).length
  return (
    <div className="relative overflow-x-auto">
      <table className="text-xs" aria-label="Risk heat map: open and accepted risks by impact and likelihood">
        <thead>
          <tr>
            <th scope="col" className="p-1 text-left font-medium text-zinc-500">
              Impact ↓ / Likelihood →
            </th>
            {LIKELIHOODS.map((l) => (
              <th key={l} scope="col" className="w-16 p-1 text-center font-medium text-zinc-500">
                {LIKELIHOOD_LABELS[l]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...IMPACTS].reverse().map((impact, row) => (
            <tr key={impact}>
              <th scope="row" className="p-1 text-left font-medium text-zinc-500">
                {IMPACT_LABELS[impact]}
              </th>
              {LIKELIHOODS.map((likelihood, col) => {
                const count = live.filter((r) => r.impact === impact && r.likelihood === likelihood).length
                const score = (IMPACTS.length - row) * (col + 1)
                return (
                  <td key={likelihood} className="p-0.5">
                    {/* The row and column headers name the cell; the count shows, and the score is told in words. */}
                    <div
                      className={cn(
                        'flex h-10 items-center justify-center rounded font-semibold text-zinc-900 tabular-nums',
                        tone(score),
                      )}
                    >
                      {count ? count : <span className="sr-only">0</span>}
                      <span className="sr-only">
                        {' '}
                        risk{count === 1 ? '' : 's'}, score {score}
                      </span>
                    </div>
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {unrated ? (
        <p className="mt-1 text-xs text-zinc-500">
          {unrated} open risk{unrated === 1 ? ' is' : 's are'} not rated yet and not shown.
        </p>
      ) : null}
    </div>
  )
}
