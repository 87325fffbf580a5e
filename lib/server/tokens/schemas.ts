import { z } from 'zod'
import { API_SCOPES } from '@/lib/auth/scopes'
import { ZRole, ZReauthCode } from '@/lib/server/users/schemas'
import { requiredText, ZId } from '@/lib/server/fields'

// The forms that create and revoke API tokens. Scopes come as checkboxes (one field per scope, "on" when
// ticked) or as a list; expiry as a number of days, or "never".

export const TOKEN_EXPIRY_DAYS = ['7', '30', '90', '365', 'never'] as const
export const EXPIRY_LABELS: Record<(typeof TOKEN_EXPIRY_DAYS)[number], string> = {
  '7': '7 days',
  '30': '30 days',
  '90': '90 days',
  '365': 'One year',
  never: 'No expiry',
}

const ticked = (value: unknown) => value === true || value === 'on' || value === 'true'

const tokenFields = {
  name: requiredText('a name', 100),
  expiresInDays: z.enum(TOKEN_EXPIRY_DAYS, 'Choose when the token expires.'),
  scopes: z.array(z.enum(API_SCOPES)).min(1, 'Choose at least one scope.'),
  code: ZReauthCode,
}

/** A form's scope checkboxes (scope_READ=on …) as a list, before validation. */
function scopesFromForm(input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input
  const raw = input as Record<string, unknown>
  if (Array.isArray(raw.scopes)) return raw
  return { ...raw, scopes: API_SCOPES.filter((scope) => ticked(raw[`scope_${scope}`])) }
}

export const ZCreateToken = z.preprocess(scopesFromForm, z.object(tokenFields))
export type TCreateToken = z.infer<typeof ZCreateToken>

export const ZCreateServiceAccount = z.preprocess(
  scopesFromForm,
  z.object({
    ...tokenFields,
    accountName: requiredText('the account’s name', 80),
    role: ZRole,
  }),
)
export type TCreateServiceAccount = z.infer<typeof ZCreateServiceAccount>

export const ZCreateServiceToken = z.preprocess(scopesFromForm, z.object({ ...tokenFields, userId: ZId }))
export type TCreateServiceToken = z.infer<typeof ZCreateServiceToken>

export const ZRevokeToken = z.object({ tokenId: ZId })
export type TRevokeToken = z.infer<typeof ZRevokeToken>

/** When a token created now with `days` expires; null for never. */
export const expiryOf = (days: TCreateToken['expiresInDays'], now: Date): Date | null =>
  days === 'never' ? null : new Date(now.getTime() + Number(days) * 86_400_000)
