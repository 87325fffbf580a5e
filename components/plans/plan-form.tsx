'use client'

import { useActionState } from 'react'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Field, Input, Select } from '@/components/ui/field'
import { Options } from '@/components/ui/options'
import { createPlanAction, updatePlanAction } from '@/lib/actions/plans'
import { PLAN_STATUSES } from '@/lib/domain/plan-values'
import { PLAN_STATUS_LABELS } from './status'
import { submitKeepingInput } from '@/components/ui/keep-input'

export type PlanFormValues = {
  title: string
  summary: string
  currentState: string
  targetState: string
  status: string
  startDate: string
}

const TEXTAREA =
  'block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-xs aria-invalid:border-red-500'

/** Creates a plan, or edits one when `planId` is given. What was typed survives a refused submit. */
export function PlanForm({ planId, initial }: { planId?: string; initial?: PlanFormValues }) {
  const [state, formAction, pending] = useActionState(planId ? updatePlanAction : createPlanAction, null)
  const errors = state && !state.ok ? state.fieldErrors : undefined
  const area = (name: keyof PlanFormValues, label: string, rows: number, hint?: string) => (
    <Field label={label} name={name} errors={errors?.[name]} hint={hint}>
      <textarea
        id={name}
        name={name}
        rows={rows}
        defaultValue={initial?.[name]}
        aria-invalid={!!errors?.[name] || undefined}
        className={TEXTAREA}
      />
    </Field>
  )
  return (
    <form onSubmit={submitKeepingInput(formAction)} className="max-w-3xl space-y-5" noValidate>
      {planId ? <input type="hidden" name="planId" value={planId} /> : null}
      {state && !state.ok ? <Alert tone="error">{state.error}</Alert> : null}
      <Field label="Title" name="title" errors={errors?.title}>
        <Input
          name="title"
          required
          maxLength={200}
          defaultValue={initial?.title}
          invalid={!!errors?.title}
          autoFocus
        />
      </Field>
      {area('summary', 'Summary', 3)}
      <div className="grid gap-5 md:grid-cols-2">
        {area('currentState', 'Current state', 5, 'Markdown: what runs today.')}
        {area('targetState', 'Target state', 5, 'Markdown: where the migration ends.')}
      </div>
      <div className="grid gap-5 sm:grid-cols-2">
        <Field label="Status" name="status" errors={errors?.status}>
          <Select name="status" defaultValue={initial?.status ?? 'DRAFT'}>
            <Options values={PLAN_STATUSES.filter((s) => s !== 'ARCHIVED')} labels={PLAN_STATUS_LABELS} />
          </Select>
        </Field>
        <Field label="Start date" name="startDate" errors={errors?.startDate} hint="Optional.">
          <Input name="startDate" type="date" defaultValue={initial?.startDate} invalid={!!errors?.startDate} />
        </Field>
      </div>
      <div className="flex gap-3">
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : planId ? 'Save changes' : 'Create plan'}
        </Button>
        <a
          href={planId ? `/plans/${planId}` : '/plans'}
          className="inline-flex h-9 items-center px-3 text-sm text-zinc-600 hover:underline"
        >
          Cancel
        </a>
      </div>
    </form>
  )
}
