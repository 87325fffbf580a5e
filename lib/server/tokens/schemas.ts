import { z } from 'zod'
import { API_SCOPES } from '@/lib/auth/scopes'
import { ZRole, ZReauthCode } from '@/lib/server/users/schemas'
import { requiredText, ZId } from '@/lib/server/fields'
import { TOKEN_EXPIRY_DAYS } from '@/lib/domain/token-expiry'

export { expiryOf } from '@/lib/domain/token-expiry'

// The forms that create and revoke API tokens. Scopes come as checkboxes (one field per scope, "on" when
// ticked) or as a list; expiry as a number of days, or "never".

const ticked = (value: unknown) => value === true || value === 'on' || value === 'true'

const tokenFields = {
  name: requiredText('a name', 100),
  expiresInDays: z.enum(TOKEN_EXPIRY_DAYS, 'Choose when the token expires.'),
  scopes: z.array(z.enum(API_SCOPES)).min(1, 'Choose at least one scope.').max(API_SCOPES.length),
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
