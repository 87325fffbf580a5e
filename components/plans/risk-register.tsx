'use client'

import { useState } from 'react'
import { ActionForm, type EntityFormProps } from '@/components/ui/action-form'
import { Button } from '@/components/ui/button'
import { Field, Input, Select } from '@/components/ui/field'
import { Table, Td, Th } from '@/components/ui/table'
import { Options } from '@/components/ui/options'
import { addRiskAction, updateRiskAction } from '@/lib/actions/plans'
import { IMPACT_LABELS, IMPACTS, LIKELIHOOD_LABELS, LIKELIHOODS, RISK_STATUSES } from '@/lib/domain/plan-values'
import type { PlanDetailDTO, RiskDTO } from '@/lib/server/plans/queries'
import { RemoveButton } from './remove-button'
import { RiskHeatMap } from './risk-heat-map'
import { RISK_STATUS_LABELS, RiskStatusBadge } from './status'
import { usePlanCommand } from './use-plan-command'

/** The risk table (highest score first) beside its heat map, and a form to add a risk. */
export function RiskRegister({ plan }: { plan: Pick<PlanDetailDTO, 'id' | 'canEdit' | 'risks'> }) {
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-1 gap-6 2xl:grid-cols-[minmax(0,1fr)_auto]">
        <div className="rounded-lg border border-zinc-200 bg-white shadow-xs">
          {plan.risks.length === 0 ? (
            <p className="px-5 py-4 text-sm text-zinc-500">No risks recorded yet.</p>
          ) : (
            <Table caption="Risk register, highest score first">
              <thead className="bg-zinc-50">
                <tr>
                  <Th>Risk</Th>
                  <Th>Impact</Th>
                  <Th>Likelihood</Th>
                  <Th aria-sort="descending">Score</Th>
                  <Th>Status</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {plan.risks.map((risk) => (
                  <RiskRow key={risk.id} risk={risk} canEdit={plan.canEdit} />
                ))}
              </tbody>
            </Table>
          )}
        </div>
        <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white p-4 shadow-xs">
          <RiskHeatMap risks={plan.risks} />
        </div>
      </div>
      {plan.canEdit ? <AddRiskForm planId={plan.id} /> : null}
    </div>
  )
}

function RiskRow({ risk, canEdit }: { risk: RiskDTO; canEdit: boolean }) {
  const { error, pending, run } = usePlanCommand()
  const [editing, setEditing] = useState(false)
  return (
    <>
      <tr data-testid="risk-row">
        {/* Free text wraps anywhere so one long word cannot widen the register past its card. */}
        <Td className="min-w-56 wrap-anywhere">
          <p className="font-medium">{risk.title}</p>
          {risk.mitigation ? <p className="text-xs text-zinc-600">Mitigation: {risk.mitigation}</p> : null}
          {risk.owner ? <p className="text-xs text-zinc-500">Owner: {risk.owner}</p> : null}
          {canEdit ? (
            <div className="flex gap-1">
              <Button size="sm" variant="ghost" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
                {editing ? 'Close' : 'Edit'}
                <span className="sr-only"> “{risk.title}”</span>
              </Button>
              <RemoveButton kind="risk" id={risk.id} label={risk.title} />
            </div>
          ) : null}
          {error ? (
            <p role="alert" className="text-xs text-red-600">
              {error}
            </p>
          ) : null}
        </Td>
        <Td>{risk.impact ? IMPACT_LABELS[risk.impact] : <span className="text-zinc-500">Not rated</span>}</Td>
        <Td>
          {risk.likelihood ? LIKELIHOOD_LABELS[risk.likelihood] : <span className="text-zinc-500">Not rated</span>}
        </Td>
        <Td className="font-semibold tabular-nums">{risk.score ?? '—'}</Td>
        <Td>
          {canEdit ? (
            <select
              aria-label={`Status of ${risk.title}`}
              value={risk.status}
              disabled={pending}
              onChange={(event) =>
                run(() =>
                  updateRiskAction({
                    riskId: risk.id,
                    title: risk.title,
                    impact: risk.impact,
                    likelihood: risk.likelihood,
                    mitigation: risk.mitigation,
                    owner: risk.owner ?? '',
                    status: event.target.value,
                  }),
                )
              }
              className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm"
            >
              <Options values={RISK_STATUSES} labels={RISK_STATUS_LABELS} />
            </select>
          ) : (
            <RiskStatusBadge status={risk.status} />
          )}
        </Td>
      </tr>
      {editing && canEdit ? (
        <tr>
          <td colSpan={5} className="bg-zinc-50 px-4 py-3">
            <RiskForm
              action={updateRiskAction}
              hidden={{ riskId: risk.id }}
              submitLabel="Save risk"
              idPrefix={`edit-${risk.id}`}
              initial={risk}
              onSuccess={() => setEditing(false)}
            />
          </td>
        </tr>
      ) : null}
    </>
  )
}

function AddRiskForm({ planId }: { planId: string }) {
  return (
    <RiskForm
      action={addRiskAction}
      hidden={{ planId }}
      submitLabel="Add risk"
      idPrefix="new-risk"
      className="rounded-lg border border-dashed border-zinc-300 bg-white p-4"
    />
  )
}

type RiskFormProps = EntityFormProps<RiskDTO>

/** The fields of a risk, for adding one or editing it (with its status). */
function RiskForm({ action, hidden, submitLabel, idPrefix, initial, className, onSuccess }: RiskFormProps) {
  const id = (field: string) => `${idPrefix}-${field}`
  return (
    <ActionForm action={action} submitLabel={submitLabel} hidden={hidden} className={className} onSuccess={onSuccess}>
      {(errors) => (
        <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-4">
          <div className="xl:col-span-2">
            <Field label="Risk" name="title" id={id('title')} errors={errors?.title}>
              <Input
                name="title"
                id={id('title')}
                maxLength={300}
                invalid={!!errors?.title}
                defaultValue={initial?.title}
                placeholder="e.g. Replication lag during cutover"
              />
            </Field>
          </div>
          <Field label="Impact" name="impact" id={id('impact')} errors={errors?.impact}>
            <Select name="impact" id={id('impact')} defaultValue={initial ? (initial.impact ?? '') : 'MEDIUM'}>
              <option value="">Not rated</option>
              <Options values={IMPACTS} labels={IMPACT_LABELS} />
            </Select>
          </Field>
          <Field label="Likelihood" name="likelihood" id={id('likelihood')} errors={errors?.likelihood}>
            <Select
              name="likelihood"
              id={id('likelihood')}
              defaultValue={initial ? (initial.likelihood ?? '') : 'POSSIBLE'}
            >
              <option value="">Not rated</option>
              <Options values={LIKELIHOODS} labels={LIKELIHOOD_LABELS} />
            </Select>
          </Field>
          <div className="xl:col-span-2">
            <Field label="Mitigation" name="mitigation" id={id('mitigation')} errors={errors?.mitigation}>
              <Input name="mitigation" id={id('mitigation')} maxLength={5000} defaultValue={initial?.mitigation} />
            </Field>
          </div>
          <Field label="Owner" name="owner" id={id('owner')} errors={errors?.owner}>
            <Input name="owner" id={id('owner')} maxLength={120} defaultValue={initial?.owner ?? ''} />
          </Field>
          {initial ? (
            <Field label="Status" name="status" id={id('status')} errors={errors?.status}>
              <Select name="status" id={id('status')} defaultValue={initial.status}>
                <Options values={RISK_STATUSES} labels={RISK_STATUS_LABELS} />
              </Select>
            </Field>
          ) : null}
        </div>
      )}
    </ActionForm>
  )
}
