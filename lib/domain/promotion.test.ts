import { describe, expect, it } from 'vitest'
import type { RunStatus } from '@/lib/generated/prisma/enums'
import { previousEnvironmentOf, promotionRefusal, promotionRow, promotionVerdict, type PromotionRun } from './promotion'

const NOW = 'a'.repeat(64)
const OLD = 'b'.repeat(64)
let n = 0
const run = (status: RunStatus, contentChecksum: string | null, override: string | null = null): PromotionRun => ({
  id: `run-${++n}`,
  status,
  contentChecksum,
  promotionOverrideReason: override,
})

describe('promotion', () => {
  it('finds the environment before one in the order; the first and an unknown one have none', () => {
    const order = [{ id: 'dev' }, { id: 'staging' }, { id: 'prod' }]
    expect(previousEnvironmentOf(order, 'prod')).toEqual({ id: 'staging' })
    expect(previousEnvironmentOf(order, 'dev')).toBeNull()
    expect(previousEnvironmentOf(order, 'elsewhere')).toBeNull()
  })

  it('allows only a SUCCEEDED run of the same content, wherever it is in the history', () => {
    expect(promotionVerdict([run('FAILED', NOW), run('SUCCEEDED', NOW)], NOW)).toEqual({ ok: true })
    expect(promotionVerdict([], NOW)).toEqual({ ok: false, missing: 'never-ran' })
    expect(promotionVerdict([run('FAILED', OLD), run('SUCCEEDED', OLD)], NOW)).toEqual({
      ok: false,
      missing: 'other-content',
      ranChecksum: OLD,
    })
    expect(promotionVerdict([run('RUNNING', NOW), run('SUCCEEDED', OLD)], NOW)).toEqual({
      ok: false,
      missing: 'not-succeeded',
      status: 'RUNNING',
    })
  })

  it('says what is missing, naming the phase, both environments and the checksums', () => {
    const names = { phase: 'Schema', environment: 'production', previous: 'staging' }
    expect(promotionRefusal(names, { ok: false, missing: 'never-ran' }, NOW)).toMatch(
      /^“Schema” cannot run on “production” yet: it must first succeed on “staging”.*it never ran there\./,
    )
    expect(promotionRefusal(names, { ok: false, missing: 'other-content', ranChecksum: OLD }, NOW)).toContain(
      'it ran there with other scripts – checksum bbbbbbbb there, aaaaaaaa now',
    )
    expect(promotionRefusal(names, { ok: false, missing: 'not-succeeded', status: 'FAILED' }, NOW)).toContain(
      'it failed there (checksum aaaaaaaa)',
    )
  })

  it('marks each cell: latest run and checksum, changed since, blocked by the previous environment', () => {
    const envs = [
      { id: 'staging', name: 'staging' },
      { id: 'prod', name: 'production' },
    ]
    const runs: Record<string, PromotionRun[]> = {
      staging: [run('SUCCEEDED', OLD)],
      prod: [run('SUCCEEDED', OLD, 'hotfix')],
    }
    const [staging, prod] = promotionRow(envs, NOW, (id) => runs[id] ?? [])
    expect(staging).toMatchObject({
      latest: { status: 'SUCCEEDED', checksum: 'bbbbbbbb' },
      isStale: true,
      blockedBy: null,
    })
    expect(prod).toMatchObject({
      latest: { overridden: true },
      isStale: true,
      blockedBy: { environmentName: 'staging', missing: expect.stringContaining('other scripts') },
    })
    runs.staging = [run('SUCCEEDED', NOW), ...(runs.staging ?? [])]
    const [, promoted] = promotionRow(envs, NOW, (id) => runs[id] ?? [])
    expect(promoted).toMatchObject({ isStale: true, blockedBy: null })
  })
})
