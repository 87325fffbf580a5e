import { defineConfig, globalIgnores } from 'eslint/config'
import nextVitals from 'eslint-config-next/core-web-vitals'
import nextTs from 'eslint-config-next/typescript'

// Only the data layer talks to Prisma: lib/db.ts, lib/server/**, the worker and engine (lib/engine/**),
// migrations (lib/migrate/**), seeds (prisma/**), test support (lib/testing/**) and e2e fixtures.
const PRISMA_IMPORTS = {
  group: [
    '@/lib/db',
    '**/lib/db',
    '@/lib/generated/prisma/*',
    '!@/lib/generated/prisma/enums',
    '@prisma/*',
    '**/generated/prisma/*',
    '!**/generated/prisma/enums',
  ],
  message:
    'Only the data layer (lib/db.ts, lib/server/**, lib/engine/**) may import Prisma; use a query or command from lib/server instead.',
}

// One-way layers (README, "Architecture"): app and components → lib/actions, lib/server (types only from
// components) → lib/domain; lib/engine → lib/server, lib/domain, lib/targets; lib/domain imports nothing of ours.
// A pattern matches the alias (`@/lib/engine/…`) and the same folder reached by a relative path (`../../engine/…`).
const libFolders = (...folders) => `^(@/lib/|(\\.\\./)+(lib/)?)(${folders.join('|')})(/|$)`
const forbid = (regex, message, options = {}) => ({ regex, message, ...options })
// In ESLint's flat config a later block's no-restricted-imports replaces an earlier one: each block lists all of its patterns.
const restrict = (files, ...patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } })

const NOT_UPWARD = forbid(
  '^(@/|(\\.\\./)+)(app|components|e2e)(/|$)',
  'lib/ is imported by app, components and e2e, never the reverse: move what both need into lib/ (test inputs beside the code they test).',
)
const NOT_ACTIONS = forbid(
  libFolders('actions'),
  'lib/actions are the entry points of forms and buttons (session, zod, result): call the lib/server command they wrap.',
)
const NOT_ENGINE = forbid(
  libFolders('engine'),
  'Only the worker (lib/engine itself, scripts/, lib/testing and tests) imports lib/engine: move shared vocabulary into lib/domain, SQL analysis and target sessions into lib/targets.',
)
const SERVER_NOT_ENGINE = forbid(
  libFolders('engine'),
  'lib/server never imports lib/engine (the engine imports the server for state): put shared types, configs and parsers in lib/domain, SQL analysis and target-side primitives in lib/targets, reads of Lockstep’s own tables in lib/server.',
)
const DOMAIN_ONLY = forbid(
  '^(\\.\\./|@/(?!lib/domain/|lib/generated/prisma/enums$))',
  'lib/domain is the vocabulary everyone imports: it imports only lib/domain (with ./) and @/lib/generated/prisma/enums. Move what it needs into lib/domain, or keep the code that needs more where that lives.',
)
const DOMAIN_CLIENT_SAFE = forbid(
  '^(?!\\.|@/|zod$)',
  'lib/domain must stay client-safe, pure TypeScript (no Node built-ins, drivers, parsers or I/O): put such code in lib/server or lib/targets.',
)
const TARGETS_LEAF = forbid(
  libFolders(
    'server',
    'engine',
    'actions',
    'auth',
    'api',
    'runtime',
    'migrate',
    'plan-document',
    'testing',
    'env',
    'db',
  ),
  'lib/targets is a leaf (drivers, SQL analysis, target sessions) that lib/server and lib/engine both use: it imports only lib/domain and itself; pass anything else in as an argument.',
)
const ACTIONS_THIN = forbid(
  libFolders('engine', 'targets', 'runtime', 'migrate', 'testing'),
  'Actions are thin: they check the session and the input, then call a lib/server command (long work is enqueued there for the worker).',
)
const SERVER_TYPES_ONLY = {
  group: ['@/lib/server/*', '@/lib/server/**'],
  allowTypeImports: true,
  message: 'Components receive data as props; import only types from lib/server.',
}
const NOT_IN_BROWSER = forbid(
  libFolders('engine', 'targets', 'runtime', 'migrate', 'testing', 'env'),
  'Components run in the browser: take vocabulary from lib/domain, data as props (types from lib/server), and change things through lib/actions.',
)
const NOT_FROM_PAGES = forbid(
  libFolders('engine', 'targets', 'runtime', 'migrate', 'testing'),
  'Pages and route handlers read through lib/server queries and write through lib/actions; the engine runs in the worker.',
)

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    '.next/**',
    'dist/**',
    'node_modules/**',
    'lib/generated/**',
    'next-env.d.ts',
    'playwright-report/**',
    'test-results/**',
    '.lockstep/**',
  ]),
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', { patterns: [PRISMA_IMPORTS] }],
    },
  },
  restrict(['lib/**'], PRISMA_IMPORTS, NOT_UPWARD, NOT_ENGINE, NOT_ACTIONS),
  restrict(['lib/domain/**'], PRISMA_IMPORTS, DOMAIN_ONLY, DOMAIN_CLIENT_SAFE),
  restrict(['lib/targets/**'], PRISMA_IMPORTS, NOT_UPWARD, TARGETS_LEAF),
  restrict(['lib/actions/**'], PRISMA_IMPORTS, NOT_UPWARD, ACTIONS_THIN),
  restrict(['lib/db.ts', 'lib/server/**', 'lib/migrate/**'], NOT_UPWARD, SERVER_NOT_ENGINE, NOT_ACTIONS),
  restrict(['lib/engine/**'], NOT_UPWARD, NOT_ACTIONS),
  restrict(['components/**'], PRISMA_IMPORTS, SERVER_TYPES_ONLY, NOT_IN_BROWSER),
  // The live views' query factories run in the browser like the components that use them.
  restrict(['lib/queries/**'], PRISMA_IMPORTS, NOT_UPWARD, NOT_ACTIONS, SERVER_TYPES_ONLY, NOT_IN_BROWSER),
  restrict(['app/**'], PRISMA_IMPORTS, NOT_FROM_PAGES),
  // Tests drive the worker and seed through any layer; scripts are entry points over all of lib.
  restrict(['**/*.test.ts', 'e2e/**', 'scripts/**'], PRISMA_IMPORTS),
  {
    files: [
      'lib/server/**/*.test.ts',
      'lib/engine/**/*.test.ts',
      'lib/migrate/**/*.test.ts',
      'lib/testing/**',
      'prisma/**',
      'e2e/fixtures/**',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
])
