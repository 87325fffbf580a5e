'use client'

import { ActionForm } from '@/components/ui/action-form'
import { Badge } from '@/components/ui/badge'
import { Field, Select } from '@/components/ui/field'
import { setPlanEnvironmentAction } from '@/lib/actions/plans'
import type { PlanEnvironmentDTO } from '@/lib/server/plans/queries'

/** Per environment: the connection the plan copies from and the one it copies to. */
export function PlanEnvironments({
  planId,
  environments,
  canEdit,
}: {
  planId: string
  environments: PlanEnvironmentDTO[]
  canEdit: boolean
}) {
  if (environments.length === 0)
    return <p className="text-sm text-zinc-500">No environments yet; a DBA or admin adds them under Connections.</p>
  return (
    <ul className="space-y-3">
      {environments.map((e) => (
        <li
          key={e.environment.id}
          className="rounded-lg border border-zinc-200 bg-white p-4 shadow-xs"
          data-testid="plan-environment"
        >
          <p className="mb-2 flex items-center gap-2 text-sm">
            <span className="font-semibold">{e.environment.name}</span>
            {e.environment.protected ? <Badge tone="danger">Protected</Badge> : null}
          </p>
          {canEdit && e.choices ? (
            <ActionForm
              action={setPlanEnvironmentAction}
              hidden={{ planId, environmentId: e.environment.id }}
              submitLabel="Save"
              className="flex flex-wrap items-end gap-3"
            >
              {(errors) => (
                <>
                  <Field
                    label="Copy from (source)"
                    name="sourceConnectionId"
                    id={`src-${e.environment.id}`}
                    errors={errors?.sourceConnectionId}
                  >
                    <Select name="sourceConnectionId" id={`src-${e.environment.id}`} defaultValue={e.source?.id ?? ''}>
                      <option value="">None</option>
                      {e.choices?.sources.map((c) => (
                        <option key={c.id} value={c.id}>
                          {c.name}
                        </option>
                      ))}
                    </Select>
                  </Field>
                  <Field
                    label="Copy to (target)"
                    name="targetConnectionId"
                    id={`tgt-${e.environment.id}`}
                    errors={errors?.targetConnectionId}
                  >
                    <Select name="targetConnectionId" id={`tgt-${e.environment.id}`} defaultValue={e.target?.id ?? ''}>
                      <option value="">None</option>
                      {e.choices?.targets.map((c) => (
                        <option key={c.id} value={c.id}>
                          {c.name}
                        </option>
                      ))}
                    </Select>
                  </Field>
                </>
              )}
            </ActionForm>
          ) : (
            <p className="text-sm text-zinc-600">
              Source: {e.source?.name ?? (e.configured.source ? 'set' : 'not set')} · Target:{' '}
              {e.target?.name ?? (e.configured.target ? 'set' : 'not set')}
            </p>
          )}
        </li>
      ))}
    </ul>
  )
}
