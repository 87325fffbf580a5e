'use client'

import { ActionForm } from '@/components/ui/action-form'
import { setRequireSsoAction } from '@/lib/actions/sign-in-settings'

/** One button that turns "Require single sign-on" the other way; the page shows the state it is in. */
export function RequireSsoForm({ requireSso }: { requireSso: boolean }) {
  return (
    <ActionForm
      action={setRequireSsoAction}
      hidden={{ requireSso: String(!requireSso) }}
      submitLabel={requireSso ? 'Allow password sign-in again' : 'Require single sign-on'}
    >
      {() => null}
    </ActionForm>
  )
}
