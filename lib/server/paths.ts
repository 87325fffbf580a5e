import { existsSync, realpathSync } from 'node:fs'
import { resolve } from 'node:path'
import { appEnv } from '@/lib/env'
import { withoutPaths, type PathRoot } from '@/lib/domain/redact'

// Errors of the file system and of the tools (ENOENT: …, open '/var/lib/…'; pg_dump: could not open output
// file "…") name files in full. What people read – a step's or a run's error, a backup's, a restore's, a
// sample's – names them relative to the configured directory instead, or by their base name.

function roots(): PathRoot[] {
  const env = appEnv()
  const dirs: [string | undefined, string][] = [
    [env.LOCKSTEP_SQLITE_DIR, 'the SQLite directory'],
    [env.LOCKSTEP_BACKUP_DIR, 'the backup directory'],
  ]
  return dirs.flatMap(([dir, name]) =>
    dir ? [resolve(dir), ...(existsSync(dir) ? [realpathSync(dir)] : [])].map((path) => ({ path, name })) : [],
  )
}

/** `message` without this server's absolute paths (lib/domain/redact.ts, withoutPaths). */
export function withoutServerPaths(message: string): string {
  return withoutPaths(message, roots())
}
