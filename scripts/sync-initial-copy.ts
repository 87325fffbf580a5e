// The start of `lockstep sync`: the change capture (SQLite) or the slot (PostgreSQL) made on the source, then
// the initial copy, through the sync engine – with the copy command's confirmation and progress lines.
import type { FilledTable } from '@/lib/domain/step-details'
import type { CopyOptions } from '@/lib/engine/copy/engine'
import type { CopySummary } from '@/lib/engine/copy/model'
import { initialCopyId, type SyncScopeOptions } from './sync-scope'

export type InitialCopyOptions = {
  mode: 'create' | 'existing'
  existingRows?: 'empty' | 'merge'
  yes: boolean
  jobs?: number
  chunkRows?: number
  captureConfirmed: boolean
  signal: AbortSignal
  log: (message: string) => void
}

export async function initialCopy(scope: SyncScopeOptions, o: InitialCopyOptions): Promise<CopySummary> {
  const [{ withTargetSession }, { describeFilled }] = await Promise.all([
    import('@/lib/targets/sql/session'),
    import('@/lib/engine/copy/existing-rows'),
  ])
  let lastLine = 0
  return withTargetSession(
    scope.target,
    { applicationName: 'lockstep sync (copy)', lockWaitMs: 60_000, signal: o.signal },
    async (session) => {
      const common = {
        session: session.client,
        target: scope.target,
        mode: o.mode,
        jobs: o.jobs,
        chunkRows: o.chunkRows,
        existingRows: o.existingRows ?? 'refuse',
        // Emptying tables of the target is never done without --yes: there is no terminal prompt mid-sync.
        confirmEmpty: async (filled: readonly FilledTable[]) => {
          if (!o.yes) o.log(`Emptying ${describeFilled(filled)} needs a confirmation: add --yes.`)
          return o.yes
        },
        signal: o.signal,
        log: (level: 'info' | 'warn' | 'error', message: string) =>
          o.log(`${level === 'info' ? '' : `${level}: `}${message}`),
        onProgress: (progress) => {
          if (Date.now() - lastLine < 2000) return
          lastLine = Date.now()
          const active = progress.filter((p) => p.state === 'copying' || p.state === 'indexing')
          if (active.length)
            o.log(
              active
                .map(
                  (p) =>
                    `${p.table}: ${p.state === 'indexing' ? 'keys and indexes' : `${(p.written + p.rejected).toLocaleString('en')}/${p.total.toLocaleString('en')} rows`}`,
                )
                .join('; '),
            )
        },
      } satisfies Partial<CopyOptions>
      if (scope.source.engine === 'sqlite') {
        const { startSqliteSync } = await import('@/lib/engine/sync/sqlite-start')
        return startSqliteSync({
          ...common,
          syncId: scope.syncId,
          copyId: initialCopyId(scope.syncId, null),
          path: scope.source.path,
          label: scope.source.label,
          tables: scope.tables,
          schema: scope.schemas?.[0],
          mapping: scope.mapping,
          captureConfirmed: o.captureConfirmed,
        })
      }
      const { startPostgresSync } = await import('@/lib/engine/sync/pg-start')
      const started = await startPostgresSync({
        ...common,
        syncId: scope.syncId,
        from: scope.source.target,
        label: scope.source.label,
        schemas: scope.schemas,
        tables: scope.tables,
        mapping: scope.mapping,
        copyIdFor: (schema) => initialCopyId(scope.syncId, schema),
      })
      return started.summary
    },
  )
}
