'use client'

import { Button } from '@/components/ui/button'
import type { MappingRule } from '@/lib/domain/mapping'
import type { RuleSuggestion } from '@/lib/domain/mapping-rules'

/** The summary without its notes (the rule appends them to it; here they are listed below it). */
function headOf(s: RuleSuggestion): string {
  const first = s.notes[0]
  if (!first) return s.summary
  const at = s.summary.indexOf(`. ${first.charAt(0).toUpperCase()}${first.slice(1)}`)
  return at >= 0 ? `${s.summary.slice(0, at)}.` : s.summary
}

/** The one-click rules that apply to the source as read, each with what it would write and why. */
export function MappingRuleList({
  prefix,
  suggestions,
  applied,
  onApply,
  onRemove,
}: {
  prefix: string
  suggestions: RuleSuggestion[]
  applied: Set<MappingRule>
  onApply: (s: RuleSuggestion) => void
  onRemove: (rule: MappingRule) => void
}) {
  if (!suggestions.length)
    return (
      <p className="text-sm text-zinc-600">
        No one-click rule applies to this source: its names and values already suit PostgreSQL.
      </p>
    )
  return (
    <section aria-labelledby={`${prefix}-rules`} className="space-y-2">
      <h4 id={`${prefix}-rules`} className="text-sm font-medium text-zinc-800">
        One-click rules
      </h4>
      <ul className="divide-y divide-zinc-100 rounded-md border border-zinc-200" aria-label="One-click rules">
        {suggestions.map((s) => {
          const isApplied = applied.has(s.rule)
          const id = `${prefix}-rule-${s.rule}`
          return (
            <li key={s.rule} className="flex flex-wrap items-start gap-3 px-3 py-2" data-testid="mapping-rule">
              <div className="min-w-0 flex-1 basis-56 text-sm">
                <p id={id} className="font-medium text-zinc-900">
                  {s.label}
                  {isApplied ? (
                    <span className="ml-2 text-xs font-normal text-emerald-700">
                      <span aria-hidden="true">✓ </span>applied
                    </span>
                  ) : null}
                </p>
                <p className="text-zinc-700">{headOf(s)}</p>
                {s.notes.length ? (
                  <ul className="mt-1 list-disc pl-5 text-xs text-zinc-600" aria-label={`Notes on ${s.label}`}>
                    {s.notes.map((n) => (
                      <li key={n}>{n}</li>
                    ))}
                  </ul>
                ) : null}
              </div>
              <div className="flex gap-1">
                <Button size="sm" variant="secondary" onClick={() => onApply(s)}>
                  {isApplied ? 'Apply again' : 'Apply'}
                  <span className="sr-only"> {s.label}</span>
                </Button>
                {isApplied ? (
                  <Button size="sm" variant="ghost" onClick={() => onRemove(s.rule)}>
                    Remove<span className="sr-only"> {s.label}</span>
                  </Button>
                ) : null}
              </div>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
