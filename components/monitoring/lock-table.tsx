'use client'

import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { Table, Td, Th } from '@/components/ui/table'
import { signalBackendAction } from '@/lib/actions/monitoring'
import type { BlockedSession } from '@/lib/domain/monitor-sample'
import { confirmationOf, type Signal } from '@/lib/domain/signals'
import { formatSeconds } from '@/lib/domain/words'

/** Who blocks whom: each waiting session with the session holding it up; DBAs may cancel or terminate the blocker. */
export function LockTable({
  connectionId,
  blocked,
  canSignal,
  onSignalled,
}: {
  connectionId: string
  blocked: BlockedSession[]
  canSignal: boolean
  onSignalled: (message: string) => void
}) {
  if (!blocked.length) return <p className="text-sm text-zinc-500">No session is waiting for a lock.</p>
  const signal = (pid: number, kind: Signal) => async () => {
    const result = await signalBackendAction({ connectionId, pid, signal: kind, confirm: confirmationOf(kind, pid) })
    if (!result.ok) return result.error
    onSignalled(result.data.message)
    return null
  }
  return (
    <Table caption="Blocking and blocked sessions">
      <thead>
        <tr>
          <Th>Blocking session</Th>
          <Th>Its statement</Th>
          <Th>Blocked session</Th>
          <Th>Waiting for</Th>
          <Th className="text-right">Waiting</Th>
          {canSignal ? <Th>Act on the blocker</Th> : null}
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100" data-testid="lock-table">
        {blocked.map((b) => (
          <tr key={`${b.blockingPid}-${b.blockedPid}`} data-testid="lock-row">
            <Td className="font-mono text-xs">
              pid {b.blockingPid}
              {b.blockingState ? <span className="block text-zinc-500">{b.blockingState}</span> : null}
            </Td>
            <Td className="max-w-xs font-mono text-xs break-words">{b.blockingQuery || '—'}</Td>
            <Td className="font-mono text-xs">
              pid {b.blockedPid}
              <span className="block max-w-xs break-words text-zinc-600">{b.blockedQuery}</span>
            </Td>
            <Td className="text-xs">{b.waitEvent ?? '—'}</Td>
            <Td className="text-right text-xs tabular-nums">{formatSeconds(b.blockedSeconds)}</Td>
            {canSignal ? (
              <Td>
                <div className="flex gap-2">
                  <ConfirmDialog
                    triggerLabel="Cancel statement…"
                    title={`Cancel the statement of session ${b.blockingPid}?`}
                    description="PostgreSQL cancels the statement the session is running (pg_cancel_backend); the session stays connected. A session idle in a transaction keeps its locks: terminate it instead."
                    confirmLabel="Cancel statement"
                    phrase={confirmationOf('cancel', b.blockingPid)}
                    onConfirm={signal(b.blockingPid, 'cancel')}
                  />
                  <ConfirmDialog
                    triggerLabel="Terminate…"
                    title={`Terminate session ${b.blockingPid}?`}
                    description="PostgreSQL ends the session (pg_terminate_backend): its open transaction is rolled back and its locks are released. The application it belongs to sees its connection drop."
                    confirmLabel="Terminate session"
                    phrase={confirmationOf('terminate', b.blockingPid)}
                    onConfirm={signal(b.blockingPid, 'terminate')}
                  />
                </div>
              </Td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </Table>
  )
}
