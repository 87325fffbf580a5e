import { defineConfig } from '@playwright/test'
// The specs' own side imports lib/ (fixtures, seeding): server-only modules load as on the server.
import './lib/runtime/server-only.mjs'
import { BASE_URL, E2E, E2E_SMTP_URL, SSO } from './e2e/fixtures/settings'

const ci = !!process.env.CI

export default defineConfig({
  testDir: 'e2e',
  // One app and one database for the run; specs seed their own uniquely named data.
  workers: 1,
  forbidOnly: ci,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: ci ? [['list'], ['json', { outputFile: '.ci-results/playwright.json' }]] : [['list']],
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: E2E.chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium', viewport: { width: 1280, height: 800 } } }],
  // The real `npm start` path: embedded PostgreSQL, migrations, seed, production build, web and worker.
  webServer: {
    command: 'node_modules/.bin/tsx --import ./lib/runtime/server-only.mjs scripts/start.ts --fresh',
    url: `${BASE_URL}/login`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
    env: {
      PORT: String(E2E.port),
      LOCKSTEP_DATA_DIR: E2E.dataDir,
      LOCKSTEP_ADMIN_EMAIL: E2E.adminEmail,
      LOCKSTEP_ADMIN_PASSWORD: E2E.adminPassword,
      DATABASE_URL: '',
      WORKER_HEARTBEAT_MS: '1000',
      REPORT_WATCH_MS: '2000',
      SMTP_URL: E2E_SMTP_URL,
      EMAIL_FROM: 'Lockstep E2E <lockstep@e2e.lockstep>',
      AUTH_OIDC_ISSUER: SSO.issuer,
      AUTH_OIDC_CLIENT_ID: SSO.clientId,
      AUTH_OIDC_CLIENT_SECRET: SSO.clientSecret,
      AUTH_OIDC_NAME: SSO.name,
      AUTH_OIDC_SCOPE: 'openid email profile groups',
      AUTH_OIDC_ROLE_MAP: SSO.roleMap,
      AUTH_OIDC_DEFAULT_ROLE: 'none',
    },
  },
})
