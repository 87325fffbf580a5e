'use client'

import { Table, Td, Th } from '@/components/ui/table'
import { Timestamp } from '@/components/ui/timestamp'
import { formatBytes } from '@/lib/domain/words'
import type { PlanRecoveryDTO } from '@/lib/server/backups/recovery'
import { BackupCheck, ShortChecksum, tablesOf } from './backup-artifact'
import { BackupStatusBadge } from './backup-status'
import { PlanRestores } from './plan-restores'
import { RestoreDialog } from './restore-dialog'
import { usePlanRecovery } from './use-plan-recovery'

/**
 * The plan's latest backups, newest first: when, of what, how big, and whether each was verified; for
 * DBAs a restore of each verified one; then the latest restores, live while one runs.
 */
export function PlanBackups({ planId, initial, shown }: { planId: string; initial: PlanRecoveryDTO; shown: number }) {
  const { recovery, refresh } = usePlanRecovery(planId, initial)
  const { backups, restores, restoreChoices } = recovery
  if (backups.length === 0) {
    return (
      <p className="text-sm text-zinc-500">
        No backups yet. A backup step takes one each time its phase runs (dry runs only check that it could).
      </p>
    )
  }
  return (
    <div className="space-y-4">
      <div className="space-y-1">
        <div className="rounded-md border border-zinc-200 bg-white">
          <Table caption="Backups of this plan">
            <thead>
              <tr>
                <Th>Taken</Th>
                <Th>Connection</Th>
                <Th className="text-right">Size</Th>
                <Th>Status</Th>
                <Th>Verification</Th>
                {restoreChoices ? (
                  <Th>
                    <span className="sr-only">Restore</span>
                  </Th>
                ) : null}
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {backups.map((b) => (
                <tr key={b.id} data-testid="plan-backup">
                  <Td className="whitespace-nowrap">
                    <Timestamp iso={b.createdAt} />
                  </Td>
                  <Td>
                    <span className="font-medium">{b.connectionName}</span>
                    <span className="block text-xs text-zinc-500">{tablesOf(b)}</span>
                    {b.fileName ? <code className="block font-mono text-xs text-zinc-500">{b.fileName}</code> : null}
                  </Td>
                  <Td className="text-right whitespace-nowrap tabular-nums">
                    {b.sizeBytes !== null ? formatBytes(b.sizeBytes) : '–'}
                  </Td>
                  <Td>
                    <BackupStatusBadge status={b.status} />
                  </Td>
                  <Td className="min-w-64 text-xs">
                    <BackupCheck backup={b} where="here" />
                    {b.sha256 ? (
                      <span className="block">
                        SHA-256 <ShortChecksum sha256={b.sha256} />
                      </span>
                    ) : null}
                    {b.error ? <span className="block text-red-700">{b.error}</span> : null}
                  </Td>
                  {restoreChoices ? (
                    <Td>
                      {restoreChoices[b.id] ? (
                        <RestoreDialog
                          backup={b}
                          choices={restoreChoices[b.id] ?? []}
                          onQueued={() => void refresh()}
                        />
                      ) : null}
                    </Td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
        {backups.length === shown ? <p className="text-xs text-zinc-500">The latest {shown} are shown.</p> : null}
      </div>
      <PlanRestores restores={restores} />
    </div>
  )
}
