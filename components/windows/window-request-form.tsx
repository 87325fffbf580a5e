'use client'

import { useState } from 'react'
import { ActionForm } from '@/components/ui/action-form'
import { Field, Input, Select, TextArea } from '@/components/ui/field'
import { requestWindowAction } from '@/lib/actions/windows'

type Options = {
  environments: { id: string; name: string; protected: boolean }[]
  plans: { id: string; title: string; phases: { id: string; name: string }[] }[]
}

/** A lead or DBA asks for a window; times are in UTC, like every time Lockstep shows. */
export function WindowRequestForm({ environments, plans }: Options) {
  const [planId, setPlanId] = useState(plans[0]?.id ?? '')
  const phases = plans.find((p) => p.id === planId)?.phases ?? []
  if (environments.length === 0)
    return (
      <p className="text-sm text-zinc-500">
        There are no environments yet; a DBA or admin creates them under Connections.
      </p>
    )
  if (plans.length === 0)
    return <p className="text-sm text-zinc-500">Create a plan first; windows are requested for a plan.</p>
  return (
    <ActionForm action={requestWindowAction} submitLabel="Request window" pendingLabel="Requesting…">
      {(errors) => (
        <div className="grid gap-3 md:grid-cols-3">
          <Field label="Environment" name="environmentId" id="window-environment" errors={errors?.environmentId}>
            <Select name="environmentId" id="window-environment">
              {environments.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                  {e.protected ? ' (protected)' : ''}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Plan" name="planId" id="window-plan" errors={errors?.planId}>
            <Select name="planId" id="window-plan" value={planId} onChange={(e) => setPlanId(e.target.value)}>
              {plans.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.title}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Phase (optional)" name="phaseId" id="window-phase" errors={errors?.phaseId}>
            <Select name="phaseId" id="window-phase" key={planId}>
              <option value="">Whole plan</option>
              {phases.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Starts (UTC)" name="startsAt" id="window-starts" errors={errors?.startsAt}>
            <Input type="datetime-local" name="startsAt" id="window-starts" required />
          </Field>
          <Field label="Ends (UTC)" name="endsAt" id="window-ends" errors={errors?.endsAt}>
            <Input type="datetime-local" name="endsAt" id="window-ends" required />
          </Field>
          <Field
            label="Latest start of a run (UTC)"
            name="latestStartAt"
            id="window-latest"
            errors={errors?.latestStartAt}
            hint="Blank: until the end."
          >
            <Input type="datetime-local" name="latestStartAt" id="window-latest" />
          </Field>
          <div className="md:col-span-3">
            <Field label="Reason" name="reason" id="window-reason" errors={errors?.reason}>
              <TextArea
                name="reason"
                id="window-reason"
                rows={2}
                maxLength={2000}
                placeholder="e.g. Cut over orders to PostgreSQL"
              />
            </Field>
          </div>
          <div className="md:col-span-3">
            <Field label="Expected impact" name="expectedImpact" id="window-impact" errors={errors?.expectedImpact}>
              <TextArea
                name="expectedImpact"
                id="window-impact"
                rows={2}
                maxLength={2000}
                placeholder="e.g. Checkout read-only for up to 10 minutes"
              />
            </Field>
          </div>
        </div>
      )}
    </ActionForm>
  )
}
