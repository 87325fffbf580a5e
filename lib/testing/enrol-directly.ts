import { newTotpSecret, totpContext } from '@/lib/auth/totp'
import { encryptSecret } from '@/lib/server/connections/secrets'

type Query = (sql: string, params: unknown[]) => Promise<unknown>

/**
 * For end-to-end tests and benchmarks, which drive a running Lockstep from outside: sets up two-factor
 * sign-in for a user straight in its database, encrypted as the app would under `keyBase64`, and answers
 * the secret, from which the fixture computes codes as an authenticator app would.
 */
export async function enrolDirectly(query: Query, userId: string, keyBase64: string): Promise<string> {
  const secret = newTotpSecret()
  const sealed = encryptSecret(secret, totpContext(userId), Buffer.from(keyBase64, 'base64'))
  await query(`UPDATE "User" SET "totpSecret" = $1, "totpEnabledAt" = now() WHERE "id" = $2`, [sealed, userId])
  return secret
}
