import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'

// What a production build depends on. A change to any of these (by mtime and size) means rebuild.
const INPUTS = [
  'app',
  'components',
  'lib',
  'public',
  'prisma/schema.prisma',
  'proxy.ts',
  'next.config.ts',
  'postcss.config.mjs',
  'tsconfig.json',
  'package-lock.json',
]
const SKIP = new Set(['node_modules', '.next', 'generated'])
const STAMP = '.next/lockstep-build-fingerprint'

export function sourceFingerprint(root: string): string {
  const hash = createHash('sha256')
  const visit = (path: string) => {
    if (!existsSync(path)) return
    const stat = statSync(path)
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort())
        if (!SKIP.has(entry) && !entry.endsWith('.test.ts')) visit(join(path, entry))
    } else {
      hash.update(`${relative(root, path)}:${stat.size}:${stat.mtimeMs}\n`)
    }
  }
  for (const input of INPUTS) visit(join(root, input))
  return hash.digest('hex')
}

export function isBuildCurrent(root: string): boolean {
  const stamp = join(root, STAMP)
  return (
    existsSync(join(root, '.next', 'BUILD_ID')) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8') === sourceFingerprint(root)
  )
}

export function markBuildCurrent(root: string, fingerprint: string): void {
  writeFileSync(join(root, STAMP), fingerprint)
}
