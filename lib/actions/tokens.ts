'use server'

import { revalidatePath } from 'next/cache'
import { createServiceAccount, createServiceToken, createToken, revokeToken } from '@/lib/server/tokens/commands'
import { ZCreateServiceAccount, ZCreateServiceToken, ZCreateToken, ZRevokeToken } from '@/lib/server/tokens/schemas'
import { defineAction } from './define-action'

// API tokens: one's own (Account → API tokens) and service accounts' (Admin → Service accounts). The secret is
// in the answer once, for the page to show; it is never stored nor shown again.

export const createTokenAction = defineAction('account:own', ZCreateToken, async (input, actor) => {
  const token = await createToken(actor, input)
  revalidatePath('/account/tokens')
  return token
})

export const revokeTokenAction = defineAction('account:own', ZRevokeToken, async (input, actor) => {
  const result = await revokeToken(actor, input)
  revalidatePath('/account/tokens')
  revalidatePath('/admin/service-accounts')
  return result
})

export const createServiceAccountAction = defineAction('user:manage', ZCreateServiceAccount, async (input, actor) => {
  const token = await createServiceAccount(actor, input)
  revalidatePath('/admin/service-accounts')
  return token
})

export const createServiceTokenAction = defineAction('user:manage', ZCreateServiceToken, async (input, actor) => {
  const token = await createServiceToken(actor, input)
  revalidatePath('/admin/service-accounts')
  return token
})
