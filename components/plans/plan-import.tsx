'use client'

import { useState, useTransition } from 'react'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Card } from '@/components/ui/card'
import { importPlanDocumentAction, previewPlanDocumentAction } from '@/lib/actions/plan-documents'
import { IMPACT_LABELS, LIKELIHOOD_LABELS } from '@/lib/domain/plan-values'
import { MAX_DOCUMENT_BYTES, TOO_LARGE } from '@/lib/plan-document/limits'
import { describeTask } from '@/lib/plan-document/gantt'
import type { ConfiguredKind } from '@/lib/plan-document/step-config'
import type { DocPlan, DocStep } from '@/lib/plan-document/types'

/** Upload or paste a Markdown plan, see what Lockstep reads from it, then save it as a new plan. */
export function PlanImport() {
  const [file, setFile] = useState<File | null>(null)
  const [text, setText] = useState('')
  const [preview, setPreview] = useState<DocPlan | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [pending, startTransition] = useTransition()

  const formData = () => {
    const data = new FormData()
    if (file) data.set('file', file)
    else data.set('text', text)
    return data
  }
  const changed = () => {
    setPreview(null)
    setError(null)
  }
  const run = (action: typeof previewPlanDocumentAction, onOk?: (plan: DocPlan) => void) => {
    if (file && file.size > MAX_DOCUMENT_BYTES) {
      setError(TOO_LARGE)
      return
    }
    startTransition(async () => {
      const result = await action(formData())
      if (!result.ok) setError(result.error)
      else onOk?.(result.data)
    })
  }

  return (
    <div className="space-y-6">
      <Card className="p-5">
        <form
          className="space-y-4"
          onSubmit={(event) => {
            event.preventDefault()
            run(previewPlanDocumentAction, (plan) => {
              setError(null)
              setPreview(plan)
            })
          }}
        >
          <div>
            <label htmlFor="plan-file" className="mb-1 block text-sm font-medium text-zinc-700">
              Markdown file
            </label>
            <input
              id="plan-file"
              type="file"
              accept=".md,.markdown,.txt,text/markdown,text/plain"
              className="block text-sm file:mr-3 file:rounded-md file:border file:border-zinc-300 file:bg-white file:px-3 file:py-1.5 file:text-sm"
              onChange={(event) => {
                setFile(event.target.files?.[0] ?? null)
                changed()
              }}
            />
            <p className="mt-1 text-xs text-zinc-500">Up to 2 MB. Or paste the document below instead.</p>
          </div>
          <div>
            <label htmlFor="plan-text" className="mb-1 block text-sm font-medium text-zinc-700">
              Or paste Markdown
            </label>
            <textarea
              id="plan-text"
              rows={8}
              value={text}
              disabled={!!file}
              onChange={(event) => {
                setText(event.target.value)
                changed()
              }}
              placeholder={'# Orders database migration\n\n## Phase 1: Preparation (Week 1)\n- [ ] Full backup taken'}
              className="block w-full rounded-md border border-zinc-300 px-3 py-2 font-mono text-sm disabled:bg-zinc-100"
            />
          </div>
          {error ? <Alert tone="error">{error}</Alert> : null}
          <Button type="submit" disabled={pending || (!file && !text.trim())}>
            {pending && !preview ? 'Reading…' : 'Preview'}
          </Button>
        </form>
      </Card>

      {preview ? (
        <section aria-labelledby="preview-title" className="space-y-4">
          <DocumentPreview plan={preview} />
          <div className="flex flex-wrap items-center gap-3">
            <Button disabled={pending} onClick={() => run(importPlanDocumentAction)}>
              {pending ? 'Saving…' : 'Save as new plan'}
            </Button>
            <p className="text-sm text-zinc-500">It is saved as a draft that you own; nothing is run.</p>
          </div>
        </section>
      ) : null}
    </div>
  )
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

const CONFIGURED_STEP_WORDS: Record<ConfiguredKind, string> = {
  copy: 'Copy step',
  validate: 'Validate step',
  backup: 'Backup step',
  observe: 'Observe step',
  manual: 'Manual gate',
}

/** What a step of the document becomes: every step is saved as a draft to review; other blocks are kept as notes. */
function describeDocStep(step: DocStep): string {
  if (step.kind === 'sql') return 'SQL step (draft)'
  if (step.kind === 'note') return `Script kept as a note${step.language ? ` (${step.language})` : ''}`
  const mapped = step.config && 'mapping' in step.config ? step.config.mapping.tables.length : 0
  return `${CONFIGURED_STEP_WORDS[step.kind]} (draft)${mapped ? `, mapping ${plural(mapped, 'table')}` : ''}`
}

export function DocumentPreview({ plan }: { plan: DocPlan }) {
  const items = plan.phases.reduce((n, p) => n + p.items.length, 0)
  const scripts = plan.phases.reduce((n, p) => n + p.steps.length, 0) + plan.steps.length
  return (
    <Card className="p-5">
      <div className="space-y-5" data-testid="import-preview">
        <div>
          <p className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Preview</p>
          <h2 id="preview-title" className="text-xl font-semibold">
            {plan.title}
          </h2>
          <p className="mt-1 text-sm text-zinc-600" data-testid="preview-counts">
            {[
              plural(plan.phases.length, 'phase'),
              plural(items, 'checklist item'),
              plural(plan.checklists.length, 'plan checklist'),
              plural(plan.risks.length, 'risk'),
              plural(plan.successCriteria.length, 'success criterion').replace('criterions', 'criteria'),
              plural(plan.rollbackTriggers.length, 'rollback trigger'),
              plural(plan.rollbackSteps.length, 'rollback step'),
              plural(scripts, 'script'),
              plural(plan.notes.length, 'note'),
            ].join(' · ')}
          </p>
        </div>

        {plan.warnings.length ? (
          <div className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
            <p className="font-medium">
              {plural(plan.warnings.length, 'warning')} – what is not understood is kept as a note, and whatever is
              skipped is named here with its line.
            </p>
            <ul className="mt-2 list-disc space-y-0.5 pl-5" aria-label="Warnings">
              {plan.warnings.map((w, i) => (
                <li key={i}>
                  {w.line ? <span className="font-mono text-xs">Line {w.line}: </span> : null}
                  {w.message}
                </li>
              ))}
            </ul>
          </div>
        ) : null}

        <div>
          <h3 className="font-medium">Phases</h3>
          {plan.phases.length === 0 ? <p className="text-sm text-zinc-500">None found.</p> : null}
          <ol className="mt-2 space-y-2" aria-label="Phases in the document">
            {plan.phases.map((phase, i) => (
              <li key={i} className="rounded-md border border-zinc-200 p-3 text-sm" data-testid="preview-phase">
                <details>
                  <summary className="cursor-pointer">
                    <span className="font-medium">
                      {i + 1}. {phase.name}
                    </span>
                    {phase.window ? <span className="text-zinc-500"> · {phase.window}</span> : null}
                    <span className="text-zinc-500">
                      {' '}
                      · {plural(phase.items.length, 'item')}
                      {phase.steps.length ? ` · ${plural(phase.steps.length, 'script')}` : ''}
                    </span>
                  </summary>
                  <ul className="mt-2 space-y-0.5 pl-4">
                    {phase.items.map((item, j) => (
                      <li key={j}>
                        {item.done ? '☑' : '☐'}{' '}
                        {item.group ? <span className="text-zinc-500">{item.group}: </span> : null}
                        {item.text}
                      </li>
                    ))}
                    {phase.steps.map((step, j) => (
                      <li key={`s${j}`} className="text-zinc-600">
                        {describeDocStep(step)}: {step.name}
                      </li>
                    ))}
                  </ul>
                </details>
              </li>
            ))}
          </ol>
        </div>

        {plan.checklists.length ? (
          <div>
            <h3 className="font-medium">Plan checklists</h3>
            <ul className="mt-1 list-disc pl-5 text-sm">
              {plan.checklists.map((c, i) => (
                <li key={i}>
                  {c.name} – {plural(c.items.length, 'item')}
                </li>
              ))}
            </ul>
          </div>
        ) : null}

        {plan.risks.length ? (
          <div>
            <h3 className="font-medium">Risks</h3>
            <table className="mt-1 w-full text-left text-sm">
              <thead className="text-xs text-zinc-500">
                <tr>
                  <th className="py-1 pr-3 font-medium">Risk</th>
                  <th className="py-1 pr-3 font-medium">Impact</th>
                  <th className="py-1 pr-3 font-medium">Likelihood</th>
                  <th className="py-1 font-medium">Mitigation</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {plan.risks.map((r, i) => (
                  <tr key={i} data-testid="preview-risk">
                    <td className="py-1 pr-3">{r.title}</td>
                    <td className="py-1 pr-3">
                      {r.impact ? IMPACT_LABELS[r.impact] : <span className="text-zinc-500">Not rated</span>}
                    </td>
                    <td className="py-1 pr-3">
                      {r.likelihood ? (
                        LIKELIHOOD_LABELS[r.likelihood]
                      ) : (
                        <span className="text-zinc-500">Not rated</span>
                      )}
                    </td>
                    <td className="py-1 text-zinc-600">{r.mitigation}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}

        <TextList
          title="Success criteria"
          entries={plan.successCriteria.map((c) => `${c.met ? '☑ ' : ''}${c.group ? `${c.group}: ` : ''}${c.text}`)}
        />
        <TextList title="Rollback triggers" entries={plan.rollbackTriggers.map((t) => t.text)} />
        <TextList title="Rollback steps" entries={plan.rollbackSteps.map((s) => s.text)} ordered />
        <TextList
          title="Timeline"
          entries={plan.timeline.map((t) => [t.text, describeTask(t, plan.timeline)].filter(Boolean).join(' – '))}
        />
        <TextList
          title="Scripts outside any phase"
          entries={plan.steps.map((s) => `${describeDocStep(s)}: ${s.name}`)}
        />
        <TextList title="Kept as notes" entries={plan.notes.map((n) => n.title)} />
      </div>
    </Card>
  )
}

function TextList({ title, entries, ordered }: { title: string; entries: string[]; ordered?: boolean }) {
  if (entries.length === 0) return null
  const List = ordered ? 'ol' : 'ul'
  return (
    <div>
      <h3 className="font-medium">{title}</h3>
      <List className={`mt-1 space-y-0.5 pl-5 text-sm ${ordered ? 'list-decimal' : 'list-disc'}`}>
        {entries.map((entry, i) => (
          <li key={i}>{entry}</li>
        ))}
      </List>
    </div>
  )
}
