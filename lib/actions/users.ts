'use server'

import { revalidatePath } from 'next/cache'
import { changeUserRole, createUser, resetUserPassword, setUserActive } from '@/lib/server/users/commands'
import { resetMfa } from '@/lib/server/users/mfa'
import { ZChangeUserRole, ZCreateUser, ZResetMfa, ZResetUserPassword, ZSetUserActive } from '@/lib/server/users/schemas'
import { defineAction } from './define-action'

export const createUserAction = defineAction(
  'user:manage',
  ZCreateUser,
  async (input, actor) => {
    const user = await createUser(actor, input)
    revalidatePath('/admin/users')
    return user
  },
  { success: (user) => `${user.name} can now sign in as ${user.email}.` },
)

export const changeUserRoleAction = defineAction('user:manage', ZChangeUserRole, async (input, actor) => {
  const user = await changeUserRole(actor, input)
  revalidatePath('/admin/users')
  return user
})

export const setUserActiveAction = defineAction('user:manage', ZSetUserActive, async (input, actor) => {
  const user = await setUserActive(actor, input)
  revalidatePath('/admin/users')
  return user
})

export const resetUserPasswordAction = defineAction(
  'user:manage',
  ZResetUserPassword,
  async (input, actor) => resetUserPassword(actor, input),
  { success: (user) => `Password changed; ${user.name}'s sessions have ended.` },
)

export const resetMfaAction = defineAction(
  'user:manage',
  ZResetMfa,
  async ({ userId }, actor) => {
    const user = await resetMfa(actor, userId)
    revalidatePath('/admin/users')
    return user
  },
  {
    success: () =>
      'Two-factor sign-in removed; their sessions have ended and they set it up again at their next sign-in.',
  },
)
