import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

// The one-way layers are enforced by no-restricted-imports in eslint.config.mjs: each case lints a snippet as if
// it were a file of that layer (the file need not exist) and reads what the rule says about its import.

const root = fileURLToPath(new URL('..', import.meta.url))
let eslint: ESLint

beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: 'eslint.config.mjs' })
})

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

type Case = { from: string; code: string }
const firstLine = (code: string) => code.split('\n')[0]

const wrongWay: (Case & { says: string })[] = [
  {
    from: 'lib/server/runs/example.ts',
    code: `import { runWorker } from '@/lib/engine/worker'\nexport const start = runWorker\n`,
    says: 'lib/server never imports lib/engine',
  },
  {
    from: 'lib/server/runs/example.ts',
    code: `import { runWorker } from '../../engine/worker'\nexport const start = runWorker\n`,
    says: 'lib/server never imports lib/engine',
  },
  {
    from: 'lib/domain/example.ts',
    code: `import { getRunOrThrow } from '@/lib/server/runs/queries'\nexport const read = getRunOrThrow\n`,
    says: 'lib/domain is the vocabulary everyone imports',
  },
  {
    from: 'lib/domain/example.ts',
    code: `import type { ManualConfig } from '../server/runs/resolve'\nexport type Gate = ManualConfig\n`,
    says: 'lib/domain is the vocabulary everyone imports',
  },
  {
    from: 'lib/domain/example.ts',
    code: `import { createHash } from 'node:crypto'\nexport const hash = createHash\n`,
    says: 'lib/domain must stay client-safe',
  },
  {
    from: 'components/runs/example.tsx',
    code: `import type { StepRunner } from '@/lib/engine/steps/types'\nexport type Runner = StepRunner\n`,
    says: 'Components run in the browser',
  },
  {
    from: 'components/plans/example.tsx',
    code: `import { getPlanForViewer } from '@/lib/server/plans/queries'\nexport const read = getPlanForViewer\n`,
    says: 'import only types from lib/server',
  },
  {
    from: 'lib/queries/example.ts',
    code: `import { getRun } from '@/lib/server/runs/queries'\nexport const read = getRun\n`,
    says: 'import only types from lib/server',
  },
  {
    from: 'lib/engine/example.ts',
    code: `import { startRunAction } from '@/lib/actions/runs'\nexport const start = startRunAction\n`,
    says: 'lib/actions are the entry points of forms and buttons',
  },
  {
    from: 'lib/targets/sql/example.ts',
    code: `import { planTargetOf } from '@/lib/server/runs/target'\nexport const target = planTargetOf\n`,
    says: 'lib/targets is a leaf',
  },
  {
    from: 'lib/actions/example.ts',
    code: `import { lintSql } from '@/lib/targets/sql/lint'\nexport const lint = lintSql\n`,
    says: 'Actions are thin',
  },
  {
    from: 'app/(console)/example/page.tsx',
    code: `import { enqueueJob } from '@/lib/engine/jobs'\nexport const enqueue = enqueueJob\n`,
    says: 'Pages and route handlers read through lib/server',
  },
  {
    from: 'lib/plan-document/example.ts',
    code: `import { MARKDOWN_BOMBS } from '@/e2e/hostile/corpus'\nexport const bombs = MARKDOWN_BOMBS\n`,
    says: 'lib/ is imported by app, components and e2e, never the reverse',
  },
]

const rightWay: Case[] = [
  {
    from: 'lib/server/runs/example.ts',
    code: `import { copyConfigOf } from '@/lib/domain/step-kinds'\nimport { withTargetSession } from '@/lib/targets/sql/session'\nexport const both = [copyConfigOf, withTargetSession]\n`,
  },
  {
    from: 'lib/domain/example.ts',
    code: `import { StepKind } from '@/lib/generated/prisma/enums'\nimport { plural } from './words'\nexport const both = [StepKind, plural]\n`,
  },
  {
    from: 'components/plans/example.tsx',
    code: `import type { StepDTO } from '@/lib/server/plans/queries'\nimport { KIND_NAMES } from '@/lib/domain/step-kinds'\nexport const name = (step: StepDTO) => KIND_NAMES[step.kind]\n`,
  },
  {
    from: 'lib/engine/example.ts',
    code: `import { enqueueRun } from '@/lib/server/runs/commands'\nimport { lintSql } from '@/lib/targets/sql/lint'\nexport const both = [enqueueRun, lintSql]\n`,
  },
  {
    from: 'lib/server/runs/example.test.ts',
    code: `import { runWorker } from '@/lib/engine/worker'\nexport const start = runWorker\n`,
  },
]

describe('layer imports', () => {
  it.each(wrongWay.map((c) => [c.from, firstLine(c.code), c.code, c.says] as const))(
    'refuses the wrong way from %s: %s',
    async (from, _line, code, says) => {
      const messages = await restrictedImports(from, code)
      expect(messages).toHaveLength(1)
      expect(messages[0]).toContain(says)
    },
  )

  it.each(rightWay.map((c) => [c.from, c.code] as const))(
    'lets the right way through from %s: %s',
    async (from, code) => {
      expect(await restrictedImports(from, code)).toEqual([])
    },
  )
})
