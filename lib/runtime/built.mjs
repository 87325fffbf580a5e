// Whether a build of Lockstep's (the thread scripts, the command bundles) is current, in plain JavaScript:
// `bin/lockstep.mjs` asks before it loads any TypeScript, so a current bundle starts without a compiler.
// A manifest records the esbuild version and each input's size and modification time.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

/** The esbuild version installed in the project (read from its package, without loading it). */
export function installedEsbuild(root) {
  try {
    return JSON.parse(readFileSync(createRequire(join(root, 'package.json')).resolve('esbuild/package.json'), 'utf8'))
      .version
  } catch {
    return null
  }
}

/** The stamp of an input as manifests record it. */
export function stampOf(root, path) {
  const stat = statSync(join(root, path))
  return `${stat.size}:${stat.mtimeMs}`
}

/** True when the manifest exists, names this esbuild, its outputs exist and every input is as it was built from. */
export function isBuildCurrent(root, manifestPath, outputs) {
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
    return (
      manifest.esbuild === installedEsbuild(root) &&
      outputs(manifest).every((path) => existsSync(path)) &&
      Object.entries(manifest.inputs).every(([path, recorded]) => stampOf(root, path) === recorded)
    )
  } catch {
    return false
  }
}
