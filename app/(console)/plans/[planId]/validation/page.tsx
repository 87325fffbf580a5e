import type { Metadata } from 'next'
import Link from 'next/link'
import { Badge } from '@/components/ui/badge'
import { EmptyState } from '@/components/ui/empty-state'
import { Timestamp } from '@/components/ui/timestamp'
import { AddRuleForm, CriterionBindingForm, RuleItem, ValidateForm } from '@/components/validations/validation-forms'
import { ValidationHistory } from '@/components/validations/validation-history'
import { ValidationReportView } from '@/components/validations/validation-report'
import { requirePageActor } from '@/lib/auth/current-user'
import { loadOrNotFound } from '@/lib/server/load-or-not-found'
import { getValidation, validationPage } from '@/lib/server/validations/queries'

type Params = Promise<{ planId: string }>

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const actor = await requirePageActor('plan:read')
  const page = await loadOrNotFound(validationPage(actor, (await params).planId))
  return { title: `Validation · ${page.plan.title}` }
}

const CRITERION_TONE = { PENDING: 'neutral', MET: 'success', NOT_MET: 'danger' } as const
const CRITERION_LABEL = { PENDING: 'pending', MET: 'met', NOT_MET: 'not met' } as const

export default async function ValidationPage({
  params,
  searchParams,
}: {
  params: Params
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const actor = await requirePageActor('plan:read')
  const { planId } = await params
  const { v } = await searchParams
  const page = await loadOrNotFound(validationPage(actor, planId))
  const shownId = typeof v === 'string' && page.history.some((h) => h.id === v) ? v : page.history[0]?.id
  const shown = shownId ? await getValidation(actor, shownId) : null
  const href = (id: string) => `/plans/${page.plan.id}/validation?v=${id}`
  return (
    <article className="space-y-8">
      <header className="space-y-2">
        <p className="text-sm">
          <Link href={`/plans/${page.plan.id}`} className="text-indigo-700 hover:underline">
            ← {page.plan.title}
          </Link>
        </p>
        <h1 className="text-2xl font-semibold tracking-tight">Validation</h1>
        <p className="max-w-3xl text-sm text-zinc-600">
          The target compared with the source, table by table: row counts, checksums of key ranges narrowed down to the
          rows that differ, orphaned and duplicate rows on the target, and the plan&apos;s own rules. Validate steps of
          a run land here too.
        </p>
      </header>

      {page.canValidate ? (
        page.environments.some((e) => e.ready) ? (
          <ValidateForm planId={page.plan.id} environments={page.environments} />
        ) : (
          <EmptyState title="Nothing to compare yet">
            Choose the source and the target connection of an environment on the{' '}
            <Link
              href={`/plans/${page.plan.id}?open=none#environments`}
              className="text-indigo-700 underline hover:no-underline"
            >
              plan page
            </Link>
            , then validate here.
          </EmptyState>
        )
      ) : null}

      {shown ? (
        <ValidationReportView key={shown.id} initial={shown} />
      ) : (
        <p className="text-sm text-zinc-600">No validation of this plan yet.</p>
      )}

      {page.history.length ? (
        <section aria-labelledby="history-heading" className="space-y-2">
          <h2 id="history-heading" className="text-lg font-semibold">
            History
          </h2>
          <ValidationHistory planId={page.plan.id} history={page.history} shownId={shownId} />
        </section>
      ) : null}

      <section aria-labelledby="criteria-heading" className="space-y-2">
        <h2 id="criteria-heading" className="text-lg font-semibold">
          Success criteria decided by validation
        </h2>
        {page.criteria.length === 0 ? (
          <p className="text-sm text-zinc-600">The plan has no success criteria yet; add them on the plan page.</p>
        ) : (
          <ul className="space-y-2">
            {page.criteria.map((c) => (
              <li
                key={c.id}
                className="flex flex-wrap items-end justify-between gap-3 rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm"
              >
                <div className="min-w-0 flex-1">
                  <p className="flex flex-wrap items-center gap-2">
                    <Badge tone={CRITERION_TONE[c.status]}>{CRITERION_LABEL[c.status]}</Badge>
                    <span>{c.text}</span>
                  </p>
                  <p className="mt-1 text-xs text-zinc-600">
                    {c.bindingLabel ? `Bound to: ${c.bindingLabel}.` : 'Not bound: a person sets it on the plan page.'}{' '}
                    {c.evidenceId ? (
                      <>
                        Decided <Timestamp iso={c.evaluatedAt} /> by{' '}
                        <Link href={href(c.evidenceId)} className="text-indigo-700 underline hover:no-underline">
                          this validation
                        </Link>
                        .
                      </>
                    ) : null}
                  </p>
                </div>
                {page.canEdit ? <CriterionBindingForm criterion={c} rules={page.rules} /> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="rules-heading" className="space-y-2">
        <h2 id="rules-heading" className="text-lg font-semibold">
          Custom rules
        </h2>
        <p className="text-sm text-zinc-600">
          Queries that return the rows breaking a rule of your data (formats, ranges, references). Every validation of
          this plan runs them on the target.
        </p>
        {page.rules.length ? (
          <ul className="space-y-2">
            {page.rules.map((r) => (
              <RuleItem key={r.id} rule={r} canEdit={page.canEdit} />
            ))}
          </ul>
        ) : (
          <p className="text-sm text-zinc-500">No rules yet.</p>
        )}
        {page.canEdit ? <AddRuleForm planId={page.plan.id} /> : null}
      </section>
    </article>
  )
}
