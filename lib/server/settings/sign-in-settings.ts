import 'server-only'
import { db, type Tx } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCan, assertCanInTx } from '@/lib/server/authorize'
import { conflict } from '@/lib/server/errors'

// How people sign in, chosen by an admin (the one AppSettings row). "Require single sign-on" only counts while
// single sign-on is configured: turning it off in the environment must never lock everyone out.

const ROW = 'app'

/** Internal: whether password sign-in is refused for everyone but admins. Read on every password sign-in. */
export async function isSsoRequired(ssoConfigured: boolean, tx: Tx | typeof db = db): Promise<boolean> {
  if (!ssoConfigured) return false
  const row = await tx.appSettings.findUnique({ where: { id: ROW }, select: { requireSso: true } })
  return row?.requireSso ?? false
}

export type SignInSettingsDTO = { ssoConfigured: boolean; requireSso: boolean }

/** Admins: the sign-in settings as they stand. */
export async function getSignInSettings(actor: UserActor, ssoConfigured: boolean): Promise<SignInSettingsDTO> {
  assertCan(actor, 'user:manage')
  const row = await db.appSettings.findUnique({ where: { id: ROW }, select: { requireSso: true } })
  return { ssoConfigured, requireSso: row?.requireSso ?? false }
}

/** Admins: turns "Require single sign-on" on or off. Only while single sign-on is configured; audited when it changes. */
export async function setRequireSso(
  actor: UserActor,
  requireSso: boolean,
  ssoConfigured: boolean,
): Promise<SignInSettingsDTO> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'user:manage')
    if (!ssoConfigured)
      throw conflict('Single sign-on is not configured (AUTH_OIDC_ISSUER and its client), so it cannot be required.')
    const before = await tx.appSettings.upsert({ where: { id: ROW }, create: { id: ROW }, update: {} })
    if (before.requireSso === requireSso) return { ssoConfigured, requireSso }
    await tx.appSettings.update({ where: { id: ROW }, data: { requireSso } })
    await recordAudit(tx, actor, {
      action: 'settings.requireSso',
      entityType: 'AppSettings',
      entityId: null,
      before: { requireSso: before.requireSso },
      after: { requireSso },
    })
    return { ssoConfigured, requireSso }
  })
}
