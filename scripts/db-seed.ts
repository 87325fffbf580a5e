// Seeds a fresh database (the first admin); does nothing once any user exists.
import { exportEnv, launcherEnv } from '@/lib/env'
import { openDatabase } from '@/lib/runtime/database'
import { resolveDataDir } from '@/lib/runtime/local-state'
import { seedDatabase } from '@/prisma/seed'
import { runCli } from './cli'

await runCli(async () => {
  const env = launcherEnv()
  const database = await openDatabase({ dataDir: resolveDataDir(env.LOCKSTEP_DATA_DIR), databaseUrl: env.DATABASE_URL })
  exportEnv({ DATABASE_URL: database.url })
  try {
    const result = await seedDatabase({ adminEmail: env.LOCKSTEP_ADMIN_EMAIL, adminPassword: env.LOCKSTEP_ADMIN_PASSWORD })
    if (!result.adminCreated) console.log('Already seeded: users exist.')
    else console.log(`Created the admin ${result.email}${result.generated ? ` with password ${result.password} (shown once)` : ''}.`)
  } finally {
    await database.close()
  }
})
