import { mkdtemp, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { appEnv, exportEnv } from '@/lib/env'
import { withoutServerPaths } from './paths'

const configured = {
  LOCKSTEP_SQLITE_DIR: appEnv().LOCKSTEP_SQLITE_DIR ?? '',
  LOCKSTEP_BACKUP_DIR: appEnv().LOCKSTEP_BACKUP_DIR ?? '',
}
afterEach(() => exportEnv(configured))

describe('messages without the server paths', () => {
  it('name files relative to the configured SQLite and backup directories, reached by any of their paths', async () => {
    const real = await mkdtemp(join(tmpdir(), 'lockstep-paths-'))
    const link = `${real}-link`
    await symlink(real, link)
    exportEnv({ LOCKSTEP_SQLITE_DIR: link, LOCKSTEP_BACKUP_DIR: join(real, 'backups') })
    expect(
      withoutServerPaths(`SQLITE_CANTOPEN: unable to open ${link}/shop/orders.db and ${real}/shop/orders.db`),
    ).toBe('SQLITE_CANTOPEN: unable to open shop/orders.db and shop/orders.db')
    expect(withoutServerPaths(`ENOENT: no such file or directory, open '${real}/backups/2026-11-20/a.dump'`)).toBe(
      "ENOENT: no such file or directory, open '2026-11-20/a.dump'",
    )
    expect(withoutServerPaths(`EACCES: permission denied, scandir '${link}'`)).toBe(
      "EACCES: permission denied, scandir 'the SQLite directory'",
    )
    expect(withoutServerPaths('could not open /etc/lockstep/secret.key')).toBe('could not open secret.key')
  })

  it('shorten paths to base names when no directory is configured', () => {
    exportEnv({ LOCKSTEP_SQLITE_DIR: '', LOCKSTEP_BACKUP_DIR: '' })
    expect(withoutServerPaths("ENOENT: no such file or directory, stat '/var/lib/lockstep/sqlite/a.db'")).toBe(
      "ENOENT: no such file or directory, stat 'a.db'",
    )
  })
})
