import 'server-only'
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient } from '@/lib/generated/prisma/client'
import { databaseEnv } from '@/lib/env'
import { statementNamer } from '@/lib/runtime/statement-names'

// One client per process; development hot reloads would otherwise open a pool per reload.
const globalForPrisma = globalThis as unknown as { lockstepPrisma?: PrismaClient }

function createClient(): PrismaClient {
  const env = databaseEnv()
  const adapter = new PrismaPg(
    { connectionString: env.DATABASE_URL, max: 10 },
    env.DATABASE_PREPARED_STATEMENTS ? { statementNameGenerator: statementNamer() } : undefined,
  )
  return new PrismaClient({ adapter })
}

export const db: PrismaClient = globalForPrisma.lockstepPrisma ?? createClient()
if (databaseEnv().NODE_ENV === 'development') globalForPrisma.lockstepPrisma = db

export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0]
export { Prisma } from '@/lib/generated/prisma/client'
