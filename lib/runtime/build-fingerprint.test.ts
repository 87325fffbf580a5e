import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { isBuildCurrent, markBuildCurrent, sourceFingerprint } from './build-fingerprint'

let root: string
afterEach(() => rm(root, { recursive: true, force: true }))

async function project() {
  root = await mkdtemp(join(tmpdir(), 'lockstep-fingerprint-'))
  await mkdir(join(root, 'app'), { recursive: true })
  await mkdir(join(root, '.next'), { recursive: true })
  await writeFile(join(root, 'app', 'page.tsx'), 'export default 1')
  await writeFile(join(root, '.next', 'BUILD_ID'), 'x')
  return root
}

describe('build fingerprint', () => {
  it('marks a build current until a source file changes', async () => {
    const dir = await project()
    expect(isBuildCurrent(dir)).toBe(false)
    markBuildCurrent(dir, sourceFingerprint(dir))
    expect(isBuildCurrent(dir)).toBe(true)
    await writeFile(join(dir, 'app', 'page.tsx'), 'export default 2')
    await utimes(join(dir, 'app', 'page.tsx'), new Date(), new Date(Date.now() + 5_000))
    expect(isBuildCurrent(dir)).toBe(false)
  })

  it('notices added files and ignores tests and generated code', async () => {
    const dir = await project()
    const before = sourceFingerprint(dir)
    await writeFile(join(dir, 'app', 'page.test.ts'), 'test')
    await mkdir(join(dir, 'lib', 'generated'), { recursive: true })
    await writeFile(join(dir, 'lib', 'generated', 'client.ts'), 'generated')
    expect(sourceFingerprint(dir)).toBe(before)
    await writeFile(join(dir, 'app', 'layout.tsx'), 'layout')
    expect(sourceFingerprint(dir)).not.toBe(before)
  })

  it('is not current without a build', async () => {
    const dir = await project()
    markBuildCurrent(dir, sourceFingerprint(dir))
    await rm(join(dir, '.next', 'BUILD_ID'))
    expect(isBuildCurrent(dir)).toBe(false)
  })
})
