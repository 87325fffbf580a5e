import { z } from 'zod'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@/lib/auth/password'
import { ROLES } from '@/lib/auth/permissions'

export const ZUserId = z.uuid('Unknown user.')
export const ZRole = z.enum(ROLES, 'Choose a role.')
export const ZPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters.`)

export const ZCreateUser = z.object({
  name: z.string().trim().min(1, 'Enter a name.').max(120, 'Use at most 120 characters.'),
  email: z.email('Enter a valid email address.').trim().toLowerCase().max(320),
  role: ZRole,
  password: ZPassword,
})
export type TCreateUser = z.infer<typeof ZCreateUser>

export const ZChangeUserRole = z.object({ userId: ZUserId, role: ZRole })
export type TChangeUserRole = z.infer<typeof ZChangeUserRole>

export const ZSetUserActive = z.object({
  userId: ZUserId,
  isActive: z.enum(['true', 'false']).transform((v) => v === 'true'),
})
export type TSetUserActive = z.infer<typeof ZSetUserActive>

export const ZResetUserPassword = z.object({ userId: ZUserId, password: ZPassword })
export type TResetUserPassword = z.infer<typeof ZResetUserPassword>

/** A code from an authenticator (6 digits) or a recovery code (xxxxx-xxxxx); spaces are forgiven. */
export const ZSecondFactorCode = z
  .string()
  .trim()
  .min(1, 'Enter the code from your authenticator.')
  .max(32, 'That is not a code.')
export const ZConfirmMfa = z.object({ code: ZSecondFactorCode })
export const ZResetMfa = z.object({ userId: ZUserId })
/** A fresh code for re-authentication, sent only when the server asked for one. */
export const ZReauthCode = z.string().trim().max(32, 'That is not a code.').optional()
