'use client'

import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { updateEnvironmentAction } from '@/lib/actions/connections'
import type { EnvironmentDTO } from '@/lib/server/connections/queries'

/** DBAs and admins: protect an environment, or lift its protection after typing its name. */
export function EnvironmentProtection({
  environment: e,
}: {
  environment: Pick<EnvironmentDTO, 'id' | 'name' | 'description' | 'protected'>
}) {
  return (
    <ConfirmDialog
      triggerLabel={e.protected ? 'Remove protection…' : 'Protect…'}
      triggerVariant="ghost"
      title={e.protected ? `Remove the protection of “${e.name}”?` : `Protect “${e.name}”?`}
      description={
        e.protected
          ? 'Runs on it will no longer need an approved maintenance window. Only do this for an environment that holds no production data.'
          : 'Runs on it will need an approved, active maintenance window from then on.'
      }
      confirmLabel={e.protected ? 'Remove protection' : 'Protect'}
      phrase={e.protected ? e.name : undefined}
      onConfirm={async () => {
        const result = await updateEnvironmentAction({
          environmentId: e.id,
          name: e.name,
          description: e.description,
          protected: !e.protected,
        })
        return result.ok ? null : result.error
      }}
    />
  )
}
