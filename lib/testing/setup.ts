import { inject } from 'vitest'
import { exportEnv } from '@/lib/env'

// Before any test file imports the Prisma client, point it at the test database.
exportEnv({
  DATABASE_URL: inject('databaseUrl'),
  AUTH_SECRET: 'test-secret-that-is-long-enough-for-auth-js',
  LOCKSTEP_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
  NODE_ENV: 'test',
})
