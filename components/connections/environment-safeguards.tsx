'use client'

import { ActionForm } from '@/components/ui/action-form'
import { NumberField } from '@/components/ui/field'
import { setEnvironmentSafeguardsAction } from '@/lib/actions/connections'
import type { EnvironmentDTO } from '@/lib/server/connections/queries'

type Guarded = Pick<EnvironmentDTO, 'id' | 'name' | 'requireRehearsal' | 'requireBackupHours'>

/** DBAs and admins: a protected environment's safeguards for its runs. */
export function EnvironmentSafeguards({ environment: e }: { environment: Guarded }) {
  const prefix = `guards-${e.id}`
  return (
    <details className="border-t border-zinc-100 py-3">
      <summary className="cursor-pointer text-sm font-medium text-indigo-700">Safeguards for runs on {e.name}</summary>
      <ActionForm
        action={setEnvironmentSafeguardsAction}
        hidden={{ environmentId: e.id }}
        submitLabel="Save safeguards"
        className="pt-3"
      >
        {(errors) => (
          <div className="space-y-3">
            <label className="flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                name="requireRehearsal"
                defaultChecked={e.requireRehearsal}
                className="mt-0.5 size-4 accent-indigo-600"
              />
              <span>
                Require a rollback rehearsal of the phase’s exact SQL scripts that came back identical
                <span className="block text-xs text-zinc-500">
                  Rehearsed on a staging environment: up, rollback, up again, with the schema compared.
                </span>
              </span>
            </label>
            <div className="max-w-sm">
              <NumberField
                label="Require a verified backup younger than (hours)"
                name="requireBackupHours"
                id={`${prefix}-hours`}
                errors={errors?.requireBackupHours}
                hint="Of the target, before the run’s first step that can lose data. Blank: not required."
                min={1}
                max={336}
                defaultValue={e.requireBackupHours ?? ''}
              />
            </div>
          </div>
        )}
      </ActionForm>
    </details>
  )
}
