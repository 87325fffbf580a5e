import type { Tx } from '@/lib/db'
import { DomainError } from '@/lib/server/errors'

// Whether an API token was created right after its creator proved presence with a code (see
// assertRecentSecondFactorInTx in lib/server/users/reauthenticate.ts). The token's creation event says so; the
// audit log is append-only, so what it says cannot be changed afterwards.

export const TOKEN_CREATE_ACTIONS = ['token.create', 'token.createService'] as const

export async function tokenCreatedUnderSecondFactor(tx: Tx, tokenId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ found: boolean }[]>`
    SELECT EXISTS (
      SELECT 1 FROM "AuditEvent"
       WHERE "entityType" = 'ApiToken' AND "entityId" = ${tokenId}
         AND "action" IN ('token.create', 'token.createService')
         AND ("after" ->> 'secondFactor') = 'true'
    ) AS found`
  return rows[0]?.found === true
}

export const tokenWithoutSecondFactor = (what: string) =>
  new DomainError(
    'FORBIDDEN',
    `This token cannot ${what}: it was not created right after a code from an authenticator. Create a new token (Account → API tokens) after entering a code.`,
  )
