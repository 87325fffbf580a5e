import { randomBytes } from 'node:crypto'
import type { PrismaClient } from '@/lib/generated/prisma/client'
import { hashPassword } from '@/lib/auth/password'
import { SYSTEM_ACTOR } from '@/lib/server/actor'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { DEMO_PLAN_TITLE, HOMEVERSE_PLAN_TITLE, seedDemo } from './demo'

export type SeedResult =
  | { adminCreated: false }
  | { adminCreated: true; email: string; password: string; generated: boolean; demo: string | null }

export type SeedOptions = {
  adminEmail?: string
  adminPassword?: string
  /** Also seed the demo plan (and its database on the server of `serverUrl`, when allowed). */
  demo?: { serverUrl: string }
}

export const DEFAULT_ADMIN_EMAIL = 'admin@lockstep.local'

/**
 * Seeds a fresh installation once: the first admin, and the demo plan unless turned off. Runs on every
 * start and does nothing when any user exists, so it never overwrites what people changed.
 */
export async function seed(db: PrismaClient, options: SeedOptions): Promise<SeedResult> {
  if ((await db.user.count()) > 0) return { adminCreated: false }
  const email = (options.adminEmail ?? DEFAULT_ADMIN_EMAIL).toLowerCase()
  const password = options.adminPassword ?? randomBytes(12).toString('base64url')
  const passwordHash = await hashPassword(password)
  const admin = await db.$transaction(async (tx) => {
    const admin = await tx.user.create({ data: { email, name: 'Administrator', role: 'ADMIN', passwordHash } })
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: 'user.create',
      entityType: 'User',
      entityId: admin.id,
      after: { email, name: admin.name, role: admin.role, isActive: true },
    })
    return admin
  })
  let demo: string | null = null
  if (options.demo) {
    const actor: UserActor = { kind: 'user', id: admin.id, email, name: admin.name, role: 'ADMIN', origin: 'seed' }
    const seeded = await seedDemo(actor, options.demo.serverUrl)
    demo =
      seeded.note ?? `Seeded the plans “${DEMO_PLAN_TITLE}” and “${HOMEVERSE_PLAN_TITLE}” with their demo databases.`
  }
  return { adminCreated: true, email, password, generated: !options.adminPassword, demo }
}

/** Seeds with the app's own Prisma client (DATABASE_URL must be set) and closes it afterwards. */
export async function seedDatabase(options: SeedOptions): Promise<SeedResult> {
  // Imported late: the client reads DATABASE_URL when it loads.
  const { db } = await import('@/lib/db')
  try {
    return await seed(db, options)
  } finally {
    await db.$disconnect()
  }
}
