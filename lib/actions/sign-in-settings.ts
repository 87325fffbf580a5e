'use server'

import { revalidatePath } from 'next/cache'
import { currentSso } from '@/lib/auth/sso'
import { ZRequireSso } from '@/lib/server/settings/schemas'
import { setRequireSso } from '@/lib/server/settings/sign-in-settings'
import { defineAction } from './define-action'

/** Admins: "Require single sign-on" on or off (lib/server/settings/sign-in-settings.ts decides and audits). */
export const setRequireSsoAction = defineAction(
  'user:manage',
  ZRequireSso,
  async (input, actor) => {
    const settings = await setRequireSso(actor, input.requireSso, currentSso() !== null)
    revalidatePath('/admin/sign-in')
    return settings
  },
  {
    success: (settings) =>
      settings.requireSso ? 'Single sign-on is now required.' : 'Password sign-in works for everyone again.',
  },
)
