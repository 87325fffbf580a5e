import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const ci = !!process.env.CI

export default defineConfig({
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('.', import.meta.url)),
      // Tests import server modules directly: `server-only` resolves as on the server, to its empty module.
      'server-only': fileURLToPath(new URL('./node_modules/server-only/empty.js', import.meta.url)),
    },
  },
  test: {
    include: ['{lib,prisma,scripts,components}/**/*.test.ts'],
    exclude: ['node_modules/**', 'lib/generated/**'],
    environment: 'node',
    server: { deps: { inline: ['next-auth'] } },
    // One real PostgreSQL for the whole run, started by the global setup; never a mock.
    globalSetup: ['lib/testing/global-setup.ts'],
    setupFiles: ['lib/testing/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration files share one database; their data is unique per test, so files may run in parallel.
    maxWorkers: 2,
    reporters: ci ? ['default', ['json', { outputFile: '.ci-results/vitest.json' }]] : ['default'],
  },
})
