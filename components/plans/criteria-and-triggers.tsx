'use client'

import Link from 'next/link'
import { ActionForm } from '@/components/ui/action-form'
import { Badge } from '@/components/ui/badge'
import { Field, Input, Select } from '@/components/ui/field'
import { Options } from '@/components/ui/options'
import { addCriterionAction, addTriggerAction, setCriterionStatusAction } from '@/lib/actions/plans'
import { describeCondition } from '@/lib/domain/health'
import { METRIC_NAMES, METRICS, type MetricName } from '@/lib/domain/metrics'
import { COMPARATOR_SYMBOLS, COMPARATORS, CRITERION_STATUSES } from '@/lib/domain/plan-values'
import type { PlanDetailDTO } from '@/lib/server/plans/queries'
import { RemoveButton } from './remove-button'
import { usePlanCommand } from './use-plan-command'

const METRIC_LABELS = Object.fromEntries(
  METRIC_NAMES.map((m) => [m, `${METRICS[m].label}${METRICS[m].unit ? ` (${METRICS[m].unit})` : ''}`]),
) as Record<MetricName, string>

const CRITERION_TONE = { PENDING: 'neutral', MET: 'success', NOT_MET: 'danger' } as const
const CRITERION_LABEL = { PENDING: 'Pending', MET: 'Met', NOT_MET: 'Not met' } as const

export function CriteriaAndTriggers({
  plan,
}: {
  plan: Pick<PlanDetailDTO, 'id' | 'canEdit' | 'successCriteria' | 'rollbackTriggers'>
}) {
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
      <section aria-labelledby="criteria-heading" className="space-y-3">
        <h3 id="criteria-heading" className="font-semibold">
          Success criteria
        </h3>
        {plan.successCriteria.length === 0 ? (
          <p className="text-sm text-zinc-500">None yet: how will you know the migration succeeded?</p>
        ) : null}
        <ul className="space-y-2">
          {plan.successCriteria.map((c) => (
            <CriterionRow key={c.id} planId={plan.id} criterion={c} canEdit={plan.canEdit} />
          ))}
        </ul>
        {plan.canEdit ? (
          <ActionForm action={addCriterionAction} submitLabel="Add criterion" hidden={{ planId: plan.id }}>
            {(errors) => (
              <Field label="New success criterion" name="text" id="criterion-text" errors={errors?.text}>
                <Input
                  name="text"
                  id="criterion-text"
                  maxLength={1000}
                  invalid={!!errors?.text}
                  placeholder="e.g. Zero data loss: row counts match on every table"
                />
              </Field>
            )}
          </ActionForm>
        ) : null}
      </section>
      <section aria-labelledby="triggers-heading" className="space-y-3">
        <h3 id="triggers-heading" className="font-semibold">
          Rollback triggers
        </h3>
        {plan.rollbackTriggers.length === 0 ? (
          <p className="text-sm text-zinc-500">None yet: what would make you roll back?</p>
        ) : null}
        <ul className="space-y-2">
          {plan.rollbackTriggers.map((t) => (
            <li
              key={t.id}
              className="flex items-start gap-2 rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm"
            >
              <span className="flex-1">
                {t.text}
                {t.metric && t.comparator ? (
                  <code className="ml-2 rounded bg-zinc-100 px-1.5 py-0.5 text-xs">
                    {describeCondition({
                      metric: t.metric,
                      comparator: t.comparator,
                      threshold: t.threshold ?? 0,
                      sustainedSeconds: t.sustainedSeconds,
                    })}
                  </code>
                ) : null}
              </span>
              {plan.canEdit ? <RemoveButton kind="trigger" id={t.id} label={t.text} /> : null}
            </li>
          ))}
        </ul>
        {plan.canEdit ? (
          <ActionForm action={addTriggerAction} submitLabel="Add trigger" hidden={{ planId: plan.id }}>
            {(errors) => (
              <>
                <Field label="New rollback trigger" name="text" id="trigger-text" errors={errors?.text}>
                  <Input
                    name="text"
                    id="trigger-text"
                    maxLength={1000}
                    invalid={!!errors?.text}
                    placeholder="e.g. Error rate above 5%"
                  />
                </Field>
                <div className="grid grid-cols-[1fr_5rem_6rem_7rem] gap-2">
                  <Field label="Metric (optional)" name="metric" id="trigger-metric" errors={errors?.metric}>
                    <Select name="metric" id="trigger-metric" defaultValue="" invalid={!!errors?.metric}>
                      <option value="">— not measured —</option>
                      <Options values={METRIC_NAMES} labels={METRIC_LABELS} />
                    </Select>
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
                  <Field
                    label="For (seconds)"
                    name="sustainedSeconds"
                    id="trigger-sustained"
                    errors={errors?.sustainedSeconds}
                  >
                    <Input
                      name="sustainedSeconds"
                      id="trigger-sustained"
                      inputMode="numeric"
                      placeholder="0"
                      invalid={!!errors?.sustainedSeconds}
                    />
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

function CriterionRow({
  planId,
  criterion,
  canEdit,
}: {
  planId: string
  criterion: PlanDetailDTO['successCriteria'][number]
  canEdit: boolean
}) {
  const { error, pending, run } = usePlanCommand()
  return (
    <li
      className="flex items-start gap-3 rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm"
      data-testid="criterion"
    >
      <span className="flex-1">
        {criterion.text}
        {criterion.boundTo ? (
          <span className="block text-xs text-zinc-500">
            Decided by validation: {criterion.boundTo}
            {criterion.evidenceId ? (
              <>
                {' · '}
                <Link
                  href={`/plans/${planId}/validation?v=${criterion.evidenceId}`}
                  className="text-indigo-700 underline hover:no-underline"
                >
                  evidence
                </Link>
              </>
            ) : null}
          </span>
        ) : null}
        {error ? (
          <span role="alert" className="block text-xs text-red-600">
            {error}
          </span>
        ) : null}
      </span>
      {canEdit ? (
        <>
          <select
            aria-label={`Status of “${criterion.text}”`}
            value={criterion.status}
            disabled={pending}
            onChange={(event) =>
              run(() => setCriterionStatusAction({ criterionId: criterion.id, status: event.target.value }))
            }
            className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm"
          >
            <Options values={CRITERION_STATUSES} labels={CRITERION_LABEL} />
          </select>
          <RemoveButton kind="criterion" id={criterion.id} label={criterion.text} />
        </>
      ) : (
        <Badge tone={CRITERION_TONE[criterion.status]}>{CRITERION_LABEL[criterion.status]}</Badge>
      )}
    </li>
  )
}
