// Applies pending migrations (like `prisma migrate deploy`) to DATABASE_URL, or to the embedded database.
import { launcherEnv } from '@/lib/env'
import { applyMigrations } from '@/lib/migrate/migrations'
import { openDatabase } from '@/lib/runtime/database'
import { resolveDataDir } from '@/lib/runtime/local-state'
import { runCli } from './cli'

await runCli(async () => {
  const env = launcherEnv()
  const database = await openDatabase({ dataDir: resolveDataDir(env.LOCKSTEP_DATA_DIR), databaseUrl: env.DATABASE_URL })
  try {
    const applied = await applyMigrations(database.url)
    console.log(
      applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'The database is up to date.',
    )
  } finally {
    await database.close()
  }
})
