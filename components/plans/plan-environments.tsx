'use client'

import { ActionForm } from '@/components/ui/action-form'
import { Badge } from '@/components/ui/badge'
import { Field, Select } from '@/components/ui/field'
import { Button } from '@/components/ui/button'
import { ErrorText } from '@/components/ui/error-text'
import { movePlanEnvironmentAction, setPlanEnvironmentAction } from '@/lib/actions/plans'
import type { PlanEnvironmentDTO } from '@/lib/server/plans/queries'
import { usePlanCommand } from './use-plan-command'

/**
 * Per environment: the connection the plan copies from and the one it copies to; the plan's own environments
 * first, in its promotion order, which editors change with ↑/↓.
 */
export function PlanEnvironments({
  planId,
  environments,
  canEdit,
}: {
  planId: string
  environments: PlanEnvironmentDTO[]
  canEdit: boolean
}) {
  const { error, pending, run } = usePlanCommand()
  if (environments.length === 0)
    return <p className="text-sm text-zinc-500">No environments yet; a DBA or admin adds them under Connections.</p>
  const ordered = environments.filter((e) => e.order !== null).length
  const move = (environmentId: string, direction: 'up' | 'down') =>
    run(() => movePlanEnvironmentAction({ planId, environmentId, direction }))
  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-600">
        A phase runs on an environment only after the same scripts succeeded on the one before it in this order
        (environments with a target connection count).
      </p>
      <ErrorText message={error} />
      <ul className="space-y-3" aria-label="Environments in promotion order">
        {environments.map((e) => (
          <li
            key={e.environment.id}
            className="rounded-lg border border-zinc-200 bg-white p-4 shadow-xs"
            data-testid="plan-environment"
          >
            <div className="mb-2 flex flex-wrap items-center gap-2 text-sm">
              {e.order !== null ? (
                <span className="text-zinc-500 tabular-nums">
                  <span className="sr-only">Place </span>
                  {e.order}.
                </span>
              ) : null}
              <span className="font-semibold">{e.environment.name}</span>
              {e.environment.protected ? <Badge tone="danger">Protected</Badge> : null}
              {e.order === null ? <span className="text-xs text-zinc-500">not used by this plan yet</span> : null}
              {canEdit && e.order !== null && ordered > 1 ? (
                <span className="ml-auto flex gap-1">
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Move ${e.environment.name} up`}
                    disabled={pending || e.order === 1}
                    onClick={() => move(e.environment.id, 'up')}
                  >
                    ↑
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Move ${e.environment.name} down`}
                    disabled={pending || e.order === ordered}
                    onClick={() => move(e.environment.id, 'down')}
                  >
                    ↓
                  </Button>
                </span>
              ) : null}
            </div>
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
                      <Select
                        name="sourceConnectionId"
                        id={`src-${e.environment.id}`}
                        defaultValue={e.source?.id ?? ''}
                      >
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
                      <Select
                        name="targetConnectionId"
                        id={`tgt-${e.environment.id}`}
                        defaultValue={e.target?.id ?? ''}
                      >
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
    </div>
  )
}
