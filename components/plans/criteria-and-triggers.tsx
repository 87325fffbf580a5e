'use client'

import { ActionForm } from '@/components/ui/action-form'
import { Badge } from '@/components/ui/badge'
import { Field, Input, Select } from '@/components/ui/field'
import { Options } from '@/components/ui/options'
import { addCriterionAction, addTriggerAction } from '@/lib/actions/plans'
import { COMPARATOR_SYMBOLS, COMPARATORS } from '@/lib/domain/plan-values'
import type { PlanDetailDTO } from '@/lib/server/plans/queries'

const CRITERION_TONE = { PENDING: 'neutral', MET: 'success', NOT_MET: 'danger' } as const
const CRITERION_LABEL = { PENDING: 'Pending', MET: 'Met', NOT_MET: 'Not met' } as const

export function CriteriaAndTriggers({ plan }: { plan: PlanDetailDTO }) {
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <section aria-labelledby="criteria-heading" className="space-y-3">
        <h3 id="criteria-heading" className="font-semibold">
          Success criteria
        </h3>
        {plan.successCriteria.length === 0 ? <p className="text-sm text-zinc-500">None yet: how will you know the migration succeeded?</p> : null}
        <ul className="space-y-2">
          {plan.successCriteria.map((c) => (
            <li key={c.id} className="flex items-start justify-between gap-3 rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm">
              <span>{c.text}</span>
              <Badge tone={CRITERION_TONE[c.status]}>{CRITERION_LABEL[c.status]}</Badge>
            </li>
          ))}
        </ul>
        {plan.canEdit ? (
          <ActionForm action={addCriterionAction} submitLabel="Add criterion" hidden={{ planId: plan.id }}>
            {(errors) => (
              <Field label="New success criterion" name="text" id="criterion-text" errors={errors?.text}>
                <Input name="text" id="criterion-text" maxLength={1000} invalid={!!errors?.text} placeholder="e.g. Zero data loss: row counts match on every table" />
              </Field>
            )}
          </ActionForm>
        ) : null}
      </section>
      <section aria-labelledby="triggers-heading" className="space-y-3">
        <h3 id="triggers-heading" className="font-semibold">
          Rollback triggers
        </h3>
        {plan.rollbackTriggers.length === 0 ? <p className="text-sm text-zinc-500">None yet: what would make you roll back?</p> : null}
        <ul className="space-y-2">
          {plan.rollbackTriggers.map((t) => (
            <li key={t.id} className="rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm">
              {t.text}
              {t.metric && t.comparator ? (
                <code className="ml-2 rounded bg-zinc-100 px-1.5 py-0.5 text-xs">
                  {t.metric} {COMPARATOR_SYMBOLS[t.comparator as keyof typeof COMPARATOR_SYMBOLS]} {t.threshold}
                </code>
              ) : null}
            </li>
          ))}
        </ul>
        {plan.canEdit ? (
          <ActionForm action={addTriggerAction} submitLabel="Add trigger" hidden={{ planId: plan.id }}>
            {(errors) => (
              <>
                <Field label="New rollback trigger" name="text" id="trigger-text" errors={errors?.text}>
                  <Input name="text" id="trigger-text" maxLength={1000} invalid={!!errors?.text} placeholder="e.g. Error rate above 5%" />
                </Field>
                <div className="grid grid-cols-[1fr_6rem_6rem] gap-2">
                  <Field label="Metric (optional)" name="metric" id="trigger-metric" errors={errors?.metric}>
                    <Input name="metric" id="trigger-metric" maxLength={100} placeholder="error_rate_percent" invalid={!!errors?.metric} />
                  </Field>
                  <Field label="Is" name="comparator" id="trigger-comparator" errors={errors?.comparator}>
                    <Select name="comparator" id="trigger-comparator" defaultValue="">
                      <option value="">—</option>
                      <Options values={COMPARATORS} labels={COMPARATOR_SYMBOLS} />
                    </Select>
                  </Field>
                  <Field label="Threshold" name="threshold" id="trigger-threshold" errors={errors?.threshold}>
                    <Input name="threshold" id="trigger-threshold" inputMode="decimal" invalid={!!errors?.threshold} />
                  </Field>
                </div>
              </>
            )}
          </ActionForm>
        ) : null}
      </section>
    </div>
  )
}
