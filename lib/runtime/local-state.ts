import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'

// Secrets a local installation generates for itself on first start and keeps beside its data,
// so that a second `npm start` finds the same database password and keeps sessions valid.
const ZLocalState = z.object({
  postgresPassword: z.string().min(16),
  authSecret: z.string().min(32),
  postgresPort: z.number().int().optional(),
})
export type LocalState = z.infer<typeof ZLocalState>

/** A relative data directory is the checkout's (like `npm start`'s), wherever a tool is run from. */
export function resolveDataDir(dir: string): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../..', dir)
}

export async function loadLocalState(dataDir: string): Promise<LocalState> {
  const file = join(dataDir, 'local.json')
  if (existsSync(file)) {
    const parsed = ZLocalState.safeParse(JSON.parse(await readFile(file, 'utf8').catch(() => '{}')))
    if (parsed.success) return parsed.data
  }
  const state: LocalState = {
    postgresPassword: randomBytes(18).toString('base64url'),
    authSecret: randomBytes(33).toString('base64url'),
  }
  await saveLocalState(dataDir, state)
  return state
}

export async function saveLocalState(dataDir: string, state: LocalState): Promise<void> {
  // 0711: the embedded server runs as another user and must traverse this directory to its data.
  await mkdir(dataDir, { recursive: true, mode: 0o711 })
  await writeFile(join(dataDir, 'local.json'), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 })
}

/**
 * The key connection credentials are encrypted under, for an installation without LOCKSTEP_SECRET_KEY:
 * 32 random bytes in `<dataDir>/secret.key`, created on first use and readable only by its owner.
 */
export async function loadOrCreateSecretKey(dataDir: string): Promise<string> {
  const file = join(dataDir, 'secret.key')
  const existing = await readFile(file, 'utf8').catch(() => null)
  if (existing?.trim()) return existing.trim()
  const key = randomBytes(32).toString('base64')
  await mkdir(dataDir, { recursive: true, mode: 0o711 })
  await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error
  })
  return (await readFile(file, 'utf8')).trim()
}

/** Where SQLite connections may point, unless LOCKSTEP_SQLITE_DIR says otherwise. */
export const defaultSqliteDir = (dataDir: string) => join(dataDir, 'sqlite')

/** Where backups are written, unless LOCKSTEP_BACKUP_DIR says otherwise. */
export const defaultBackupDir = (dataDir: string) => join(dataDir, 'backups')
