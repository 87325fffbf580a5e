import { Timestamp } from '@/components/ui/timestamp'
import { formatBytes } from '@/lib/domain/words'
import type { BackupDTO } from '@/lib/server/backups/queries'
import { BackupStatusBadge } from './backup-status'

/** The first characters of a checksum; the whole of it on hover and for screen readers. */
export function ShortChecksum({ sha256 }: { sha256: string }) {
  return (
    <code title={sha256} className="rounded bg-zinc-100 px-1 font-mono text-xs">
      <span aria-hidden>{sha256.slice(0, 12)}…</span>
      <span className="sr-only">{sha256}</span>
    </code>
  )
}

export const tablesOf = (backup: Pick<BackupDTO, 'tables'>) =>
  backup.tables.length ? backup.tables.join(', ') : 'whole database'

/**
 * What was checked of a backup, in its own words: reading it back (its table of contents, or SQLite's integrity
 * check) is not restoring it, so until a restore succeeded it says so and points to a test restore.
 */
export function BackupCheck({
  backup,
  where,
}: {
  backup: Pick<BackupDTO, 'status' | 'verification' | 'lastRestore'>
  where: 'here' | 'plan page'
}) {
  if (backup.status !== 'VERIFIED')
    return backup.verification ? <span className="block">Checked: {backup.verification}</span> : null
  return (
    <>
      {backup.verification ? <span className="block">Checked: {backup.verification}</span> : null}
      {backup.lastRestore ? (
        <span className="block">
          Restored into {backup.lastRestore.intoConnectionName} <Timestamp iso={backup.lastRestore.finishedAt} />: it
          restores.
        </span>
      ) : (
        <span className="block text-amber-800">
          Never restored. A test restore into a scratch database{' '}
          {where === 'here' ? '(Restore…, DBAs)' : '(plan page → Backups, DBAs)'} shows that it restores.
        </span>
      )}
    </>
  )
}

/** A backup step's artifact on the run page: what was backed up, how big, its checksum and how it was verified. */
export function BackupArtifact({ backup, showError }: { backup: BackupDTO; showError: boolean }) {
  return (
    <div
      className="w-full space-y-1 rounded-md border border-zinc-100 bg-zinc-50 px-3 py-2 text-xs text-zinc-700"
      data-testid="backup-artifact"
    >
      <p className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <BackupStatusBadge status={backup.status} />
        <span>
          <strong>{backup.connectionName}</strong>, {tablesOf(backup)}
        </span>
        {backup.sizeBytes !== null ? <span className="tabular-nums">· {formatBytes(backup.sizeBytes)}</span> : null}
        {backup.sha256 ? (
          <span>
            · SHA-256 <ShortChecksum sha256={backup.sha256} />
          </span>
        ) : null}
      </p>
      <p>
        <BackupCheck backup={backup} where="plan page" />
      </p>
      {backup.toolVersion || backup.serverVersion ? (
        <p className="text-zinc-500">{[backup.toolVersion, backup.serverVersion].filter(Boolean).join(' · ')}</p>
      ) : null}
      {backup.fileName ? (
        <p className="text-zinc-500">
          File <code className="font-mono">{backup.fileName}</code> in the backup directory
        </p>
      ) : null}
      {showError && backup.error ? <p className="text-red-700">{backup.error}</p> : null}
    </div>
  )
}
