import { db } from '@/lib/db'
import { appEnv } from '@/lib/env'
import { recordAudit } from '@/lib/server/audit/record'
import type { SystemActor } from '@/lib/server/actor'
import { postgresTargetOf } from '@/lib/server/connections/secrets'
import { SCOPED_WINDOWS } from '@/lib/server/runs/content'
import { mayWorkOnPlan } from '@/lib/server/windows/rules'
import { withoutServerPaths } from '@/lib/server/paths'
import { resolveSqlitePath } from '@/lib/targets/sqlite'
import { artifactPath, verifyBackup } from './backup/artifacts'
import { restorePostgres } from './backup/postgres'
import { restoreSqlite } from './backup/sqlite'
import { progressWriter } from './steps/types'
import { transitionRestore } from '@/lib/server/backups/transition'

// The worker's side of restores (requested by a DBA, lib/server/backups/commands.ts): the backup verified
// again – checksum and tool – then restored into the chosen database, progress written as it goes, the
// outcome audited. A restore a stopped worker held is not retried by itself: half a restore over a live
// database wants a person's decision.

const WORKER: SystemActor = { kind: 'system', label: 'worker', origin: null }
const PROGRESS_EVERY_MS = 500

export { claimRestore } from '@/lib/server/backups/transition'

export async function executeRestore(restoreId: string): Promise<'SUCCEEDED' | 'FAILED'> {
  const restore = await db.restore.findUniqueOrThrow({
    where: { id: restoreId },
    include: {
      backup: true,
      connection: { include: { environment: { include: { windows: SCOPED_WINDOWS(new Date()) } } } },
    },
  })
  let lastWrite = 0
  const writes = progressWriter()
  const progress = (done: number, total: number) => {
    if (Date.now() - lastWrite < PROGRESS_EVERY_MS && done < total) return
    lastWrite = Date.now()
    writes.track(async () => void (await db.restore.update({ where: { id: restoreId }, data: { done, total } })))
  }
  const end = async (status: 'SUCCEEDED' | 'FAILED', error: string | null = null) => {
    await writes.flushed()
    await db.$transaction(async (tx) => {
      await transitionRestore(tx, restoreId, 'RUNNING', status, { error, finishedAt: new Date(), workerId: null })
      await recordAudit(tx, WORKER, {
        action: status === 'SUCCEEDED' ? 'restore.succeed' : 'restore.fail',
        entityType: 'Restore',
        entityId: restoreId,
        planId: restore.backup.planId,
        after: { backup: restore.backupId, into: restore.connectionName, error },
      })
    })
    return status
  }
  try {
    const connection = restore.connection
    if (!connection) throw new Error('The connection to restore into was removed.')
    // The window rule again: it can close or be cancelled while the restore waits for a worker.
    const permission = mayWorkOnPlan(
      connection.environment,
      connection.environment.windows,
      new Date(),
      restore.backup.planId,
      'a restore',
    )
    if (!permission.allowed) throw new Error(permission.reason)
    const verified = await verifyBackup(restore.backupId)
    if (!verified.ok) throw new Error(`The backup did not verify: ${verified.error}`)
    const file = artifactPath(restore.backup.fileName)
    if (restore.backup.format === 'PG_DUMP') {
      await restorePostgres(postgresTargetOf(connection), file, { clean: restore.overSource, onProgress: progress })
    } else {
      const dir = appEnv().LOCKSTEP_SQLITE_DIR
      if (!dir) throw new Error('SQLite connections are not available: LOCKSTEP_SQLITE_DIR is not set.')
      await restoreSqlite(file, resolveSqlitePath(dir, connection.filePath ?? '', { allowMissing: true }), (share) =>
        progress(Math.round(share * 100), 100),
      )
    }
    return await end('SUCCEEDED')
  } catch (error) {
    return end('FAILED', withoutServerPaths((error as Error).message))
  }
}
