import { subjectOfSource, takeBackup, type BackupSubject } from '@/lib/engine/backup/artifacts'
import { serverInfo } from '@/lib/engine/backup/postgres'
import { findPgTool } from '@/lib/engine/backup/tools'
import { formatBytes } from '@/lib/domain/words'
import { planSourceOf, planTargetOf } from '@/lib/server/runs/target'
import { backupConfigOf, type BackupConfig } from '@/lib/domain/step-kinds'
import type { BackupDetail } from '@/lib/domain/step-details'
import type { StepContext, StepResult, StepRunner } from './types'

// `backup` steps: the plan's target (or source) on the run's environment, backed up, checksummed and
// verified into the backup directory (lib/engine/backup). The step run's `detail` names the artifact, so the
// run page shows which backup covers the run.

async function subjectOf(ctx: StepContext, config: BackupConfig): Promise<BackupSubject> {
  if (config.of === 'source') {
    const source = await planSourceOf(ctx.planId, ctx.environmentId)
    if (!source) throw new Error('The plan has no source connection on this environment; choose one on the plan page.')
    return subjectOfSource(source)
  }
  const target = await planTargetOf(ctx.planId, ctx.environmentId)
  if (!target)
    throw new Error('The plan has no PostgreSQL target connection on this environment; choose one on the plan page.')
  const { name, connectionId, ...connection } = target
  return { connectionId, name, engine: 'POSTGRES', target: connection }
}

export const backupRunner: StepRunner = {
  // pg_dump opens its own connection; the run's session on the target is not needed for it.
  needsTarget: false,
  async run(ctx): Promise<StepResult> {
    const config = backupConfigOf(ctx.step.config)
    const subject = await subjectOf(ctx, config).catch((error: Error) => error)
    if (subject instanceof Error) return { status: 'FAILED', error: subject.message }
    if (ctx.dryRun) {
      // A dry run proves the backup could be taken: the server answers and a fitting pg_dump is installed.
      if (subject.engine === 'SQLITE')
        return { status: 'SKIPPED', message: `would back up ${subject.name} with SQLite's online backup API (dry run)` }
      const tool = await serverInfo(subject.target)
        .then((server) => findPgTool('pg_dump', server.major))
        .catch((error: Error) => error)
      if (tool instanceof Error) return { status: 'FAILED', error: tool.message }
      return { status: 'SKIPPED', message: `would back up ${subject.name} with ${tool.version} (dry run)` }
    }
    ctx.log('info', `Backing up ${subject.name}${config.tables.length ? ` (${config.tables.join(', ')})` : ''}.`)
    const outcome = await takeBackup(subject, {
      planId: ctx.planId,
      stepRunId: ctx.stepRunId,
      tables: config.tables,
      signal: ctx.signal,
    })
    const base = { backupId: outcome.id, connection: subject.name, tables: config.tables }
    if (!outcome.ok) {
      await ctx.progress({ detail: { ...base, error: outcome.error } satisfies BackupDetail })
      return ctx.signal.aborted
        ? { status: 'CANCELLED' }
        : { status: 'FAILED', error: `The backup of ${subject.name} failed: ${outcome.error}` }
    }
    await ctx.progress({
      detail: {
        ...base,
        sizeBytes: outcome.sizeBytes,
        sha256: outcome.sha256,
        verification: outcome.verification,
      } satisfies BackupDetail,
    })
    return {
      status: 'SUCCEEDED',
      message: `backed up ${subject.name}: ${formatBytes(outcome.sizeBytes)}, read back (${outcome.verification})`,
    }
  },
}
