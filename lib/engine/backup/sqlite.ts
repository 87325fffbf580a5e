import Database from 'better-sqlite3'

// SQLite backups through SQLite's online backup API: a consistent copy even while the application writes to
// the file (a plain file copy of a live database can tear mid-transaction), verified with integrity_check.

/** Copies the database at `path` to `file`; `onProgress` gets the share done (0–1). */
export async function backupSqlite(
  path: string,
  file: string,
  onProgress?: (done: number) => void,
): Promise<{ tool: string; server: string }> {
  const source = new Database(path, { readonly: true, fileMustExist: true })
  try {
    await source.backup(file, {
      progress: ({ totalPages, remainingPages }) => {
        onProgress?.(totalPages ? 1 - remainingPages / totalPages : 1)
        return 1024 // pages per step (4 MB at the default page size): writers get in between steps
      },
    })
    const version = (source.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v
    return { tool: `SQLite online backup API (better-sqlite3, SQLite ${version})`, server: `SQLite ${version}` }
  } finally {
    source.close()
  }
}

/** Writes the backup `file` over the SQLite database at `path`, through the same online backup API. */
export async function restoreSqlite(file: string, path: string, onProgress?: (done: number) => void): Promise<void> {
  const backup = new Database(file, { readonly: true, fileMustExist: true })
  try {
    await backup.backup(path, {
      progress: ({ totalPages, remainingPages }) => {
        onProgress?.(totalPages ? 1 - remainingPages / totalPages : 1)
        return 1024
      },
    })
  } finally {
    backup.close()
  }
}

/** Opens the copy read-only and runs PRAGMA integrity_check; throws with what it found unless "ok". */
export function verifySqliteBackup(file: string): string {
  let copy: Database.Database
  try {
    copy = new Database(file, { readonly: true, fileMustExist: true })
  } catch (error) {
    throw new Error(`The backup is not a SQLite database: ${(error as Error).message}`)
  }
  try {
    const rows = copy.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[]
    const findings = rows.map((r) => r.integrity_check)
    if (findings.length !== 1 || findings[0] !== 'ok')
      throw new Error(`integrity_check: ${findings.slice(0, 5).join('; ')}`)
    const tables = (copy.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as { n: number })
      .n
    return `integrity_check: ok (${tables} table${tables === 1 ? '' : 's'})`
  } catch (error) {
    const message = (error as Error).message
    throw new Error(
      message.startsWith('integrity_check') ? message : `integrity_check could not read the backup: ${message}`,
    )
  } finally {
    copy.close()
  }
}
