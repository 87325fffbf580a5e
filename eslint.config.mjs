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
  {
    files: [
      'lib/db.ts',
      'lib/server/**',
      'lib/engine/**',
      'lib/migrate/**',
      'lib/testing/**',
      'prisma/**',
      'e2e/fixtures/**',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Components render DTOs; they may name server types but never call the data layer.
    files: ['components/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            PRISMA_IMPORTS,
            {
              group: ['@/lib/server/*', '@/lib/server/**'],
              allowTypeImports: true,
              message: 'Components receive data as props; import only types from lib/server.',
            },
          ],
        },
      ],
    },
  },
])
