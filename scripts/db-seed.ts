// Seeds a fresh database (the first admin); does nothing once any user exists.
import { exportEnv, launcherEnv } from '@/lib/env'
import { openDatabase } from '@/lib/runtime/database'
import { loadOrCreateSecretKey, resolveDataDir } from '@/lib/runtime/local-state'
import { seedDatabase } from '@/prisma/seed'
import { runCli } from './cli'

await runCli(async () => {
  const env = launcherEnv()
  const database = await openDatabase({ dataDir: resolveDataDir(env.LOCKSTEP_DATA_DIR), databaseUrl: env.DATABASE_URL })
  const dataDir = resolveDataDir(env.LOCKSTEP_DATA_DIR)
  // The demo's connection is stored encrypted under the same key the app uses.
  exportEnv({
    DATABASE_URL: database.url,
    LOCKSTEP_SECRET_KEY: env.LOCKSTEP_SECRET_KEY ?? (await loadOrCreateSecretKey(dataDir)),
  })
  try {
    const result = await seedDatabase({
      adminEmail: env.LOCKSTEP_ADMIN_EMAIL,
      adminPassword: env.LOCKSTEP_ADMIN_PASSWORD,
      demo: env.LOCKSTEP_DEMO === 'true' ? { serverUrl: database.url } : undefined,
    })
    if (!result.adminCreated) console.log('Already seeded: users exist.')
    else
      console.log(
        `Created the admin ${result.email}${result.generated ? ` with password ${result.password} (shown once)` : ''}.${result.demo ? ` ${result.demo}` : ''}`,
      )
  } finally {
    await database.close()
  }
})
