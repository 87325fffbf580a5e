'use client'

import { useState } from 'react'
import { ActionForm } from '@/components/ui/action-form'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { Field, Input, Select } from '@/components/ui/field'
import {
  addRuleAction,
  bindCriterionAction,
  editRuleAction,
  removeRuleAction,
  requestValidationAction,
} from '@/lib/actions/validations'
import { TablesField, ValidationLimitsFields } from '@/components/plans/step-fields'
import { VALIDATE_CONFIG_DEFAULTS } from '@/lib/domain/step-kinds'
import { CHECK_LABELS } from '@/lib/domain/criteria'
import type { ValidationPageDTO } from '@/lib/server/validations/queries'

const textarea = 'block w-full rounded-md border border-zinc-300 px-3 py-2 font-mono text-xs'

/** Asks the worker to validate the plan's target against its source on an environment. */
export function ValidateForm({
  planId,
  environments,
}: {
  planId: string
  environments: ValidationPageDTO['environments']
}) {
  const ready = environments.filter((e) => e.ready)
  return (
    <ActionForm
      action={requestValidationAction}
      hidden={{ planId }}
      submitLabel="Validate now"
      pendingLabel="Queuing…"
      className="rounded-lg border border-zinc-200 bg-white p-4"
    >
      {(errors) => (
        <>
          <div className="flex flex-wrap gap-4">
            <Field
              label="Environment"
              name="environmentId"
              id="validate-environment"
              errors={errors?.environmentId}
              hint="Its source and target connections for this plan are compared."
            >
              <Select
                name="environmentId"
                id="validate-environment"
                defaultValue={ready[0]?.id}
                invalid={!!errors?.environmentId}
              >
                {environments.map((e) => (
                  <option key={e.id} value={e.id} disabled={!e.ready}>
                    {e.name}
                    {e.ready ? '' : ' (choose its source and target first)'}
                  </option>
                ))}
              </Select>
            </Field>
            <ValidationLimitsFields
              prefix="validate"
              errors={errors}
              maxSamples={VALIDATE_CONFIG_DEFAULTS.maxSamples}
              maxDifferences={VALIDATE_CONFIG_DEFAULTS.maxDifferences}
            />
          </div>
          <TablesField prefix="validate" errors={errors} />
          {errors?.code ? (
            <div className="max-w-xs">
              <Field
                label="Code from your authenticator"
                name="code"
                id="validate-code"
                errors={errors.code}
                hint="Validating on a protected environment runs the plan's rules there: it needs a code entered in the last 15 minutes."
              >
                <Input
                  name="code"
                  id="validate-code"
                  autoComplete="one-time-code"
                  maxLength={32}
                  autoFocus
                  spellCheck={false}
                  invalid
                />
              </Field>
            </div>
          ) : null}
        </>
      )}
    </ActionForm>
  )
}

type Rule = ValidationPageDTO['rules'][number]

function RuleFields({
  errors,
  rule,
  prefix,
}: {
  errors: Record<string, string[]> | undefined
  rule?: Rule
  prefix: string
}) {
  return (
    <>
      <Field label="Rule name" name="name" id={`${prefix}-name`} errors={errors?.name}>
        <Input
          name="name"
          id={`${prefix}-name`}
          maxLength={120}
          defaultValue={rule?.name}
          invalid={!!errors?.name}
          placeholder="e.g. Every order has a customer"
        />
      </Field>
      <Field
        label="Query returning the violating rows"
        name="sql"
        id={`${prefix}-sql`}
        errors={errors?.sql}
        hint="One SELECT calling no function that changes anything, run read-only on the target with a 30-second limit; at most 10,000 rows are counted. No rows: the rule passes."
      >
        <textarea
          name="sql"
          id={`${prefix}-sql`}
          rows={3}
          className={textarea}
          spellCheck={false}
          defaultValue={rule?.sql}
          aria-invalid={!!errors?.sql || undefined}
          placeholder="SELECT id, email FROM users WHERE email NOT LIKE '%@%'"
        />
      </Field>
      <div className="flex flex-wrap gap-4">
        <Field label="Severity" name="severity" id={`${prefix}-severity`} errors={errors?.severity}>
          <Select name="severity" id={`${prefix}-severity`} defaultValue={rule?.severity ?? 'ERROR'}>
            <option value="ERROR">error</option>
            <option value="WARNING">warning</option>
          </Select>
        </Field>
        <Field label="When it finds rows" name="action" id={`${prefix}-action`} errors={errors?.action}>
          <Select name="action" id={`${prefix}-action`} defaultValue={rule?.action ?? 'FAIL'}>
            <option value="FAIL">fail the validation</option>
            <option value="WARN">warn only</option>
          </Select>
        </Field>
      </div>
    </>
  )
}

export function AddRuleForm({ planId }: { planId: string }) {
  return (
    <ActionForm
      action={addRuleAction}
      hidden={{ planId }}
      submitLabel="Add rule"
      className="rounded-lg border border-zinc-200 bg-white p-4"
    >
      {(errors) => <RuleFields errors={errors} prefix="new-rule" />}
    </ActionForm>
  )
}

export function RuleItem({ rule, canEdit }: { rule: Rule; canEdit: boolean }) {
  const [editing, setEditing] = useState(false)
  return (
    <li className="rounded-md border border-zinc-200 bg-white p-3 text-sm">
      {editing ? (
        <ActionForm
          action={editRuleAction}
          hidden={{ ruleId: rule.id }}
          submitLabel="Save rule"
          onSuccess={() => setEditing(false)}
        >
          {(errors) => (
            <>
              <RuleFields errors={errors} rule={rule} prefix={`rule-${rule.id}`} />
              <Button variant="ghost" onClick={() => setEditing(false)}>
                Keep as it was
              </Button>
            </>
          )}
        </ActionForm>
      ) : (
        <div className="flex flex-wrap items-start justify-between gap-2">
          <div className="min-w-0 flex-1">
            <p className="font-medium">
              {rule.name}{' '}
              <span className="text-xs font-normal text-zinc-500">
                · {rule.severity.toLowerCase()} · {rule.action === 'FAIL' ? 'fails the validation' : 'warns'}
              </span>
            </p>
            <pre className="mt-1 overflow-x-auto rounded bg-zinc-50 px-2 py-1 font-mono text-xs">{rule.sql}</pre>
          </div>
          {canEdit ? (
            <div className="flex gap-1">
              <Button variant="ghost" size="sm" onClick={() => setEditing(true)}>
                Edit
              </Button>
              <ConfirmDialog
                triggerLabel="Remove"
                triggerVariant="ghost"
                title={`Remove the rule “${rule.name}”?`}
                description="Later validations no longer run it; criteria bound to it stay as they were decided."
                confirmLabel="Remove rule"
                onConfirm={async () => {
                  const result = await removeRuleAction({ ruleId: rule.id })
                  return result.ok ? null : result.error
                }}
              />
            </div>
          ) : null}
        </div>
      )}
    </li>
  )
}

/** Which validation result decides a success criterion. */
export function CriterionBindingForm({
  criterion,
  rules,
}: {
  criterion: ValidationPageDTO['criteria'][number]
  rules: ValidationPageDTO['rules']
}) {
  const [saved, setSaved] = useState(false)
  return (
    <ActionForm
      action={bindCriterionAction}
      hidden={{ criterionId: criterion.id }}
      submitLabel="Save"
      onSuccess={() => setSaved(true)}
      className="flex flex-wrap items-end gap-2 space-y-0"
    >
      {(errors) => (
        <>
          <Field label="Decided by" name="check" id={`bind-${criterion.id}`} errors={errors?.check}>
            <Select
              name="check"
              id={`bind-${criterion.id}`}
              defaultValue={criterion.binding}
              onChange={() => setSaved(false)}
            >
              <option value="none">a person (not bound)</option>
              <option value="row-counts">{CHECK_LABELS['row-counts']}</option>
              <option value="checksums">{CHECK_LABELS.checksums}</option>
              <option value="orphans">{CHECK_LABELS.orphans}</option>
              {rules.map((r) => (
                <option key={r.id} value={`rule:${r.id}`}>
                  rule “{r.name}” passes
                </option>
              ))}
            </Select>
          </Field>
          {saved ? (
            <p role="status" className="pb-2 text-xs text-emerald-700">
              Saved: the next validation decides it.
            </p>
          ) : null}
        </>
      )}
    </ActionForm>
  )
}
