'use client'

import { useState } from 'react'
import { Button } from '@/components/ui/button'
import { ErrorText } from '@/components/ui/error-text'
import { ModalForm } from '@/components/ui/modal-form'
import { requestRestoreAction } from '@/lib/actions/backups'
import { formatUtc } from '@/lib/domain/words'
import type { BackupDTO } from '@/lib/server/backups/queries'
import type { RestoreChoiceDTO } from '@/lib/server/backups/recovery'
import { useReauthCode } from '@/components/auth/reauth-code'

/**
 * DBAs: restore a verified backup into a connection of the same kind. The database it came from is
 * offered last and asks for its name typed, since its objects are dropped and replaced.
 */
export function RestoreDialog({
  backup,
  choices,
  onQueued,
}: {
  backup: BackupDTO
  choices: RestoreChoiceDTO[]
  onQueued: () => void
}) {
  const [open, setOpen] = useState(false)
  // Another database first: restoring over the source is the exception, never the default.
  const ordered = [...choices].sort((a, b) => Number(a.confirmName !== null) - Number(b.confirmName !== null))
  const [connectionId, setConnectionId] = useState(ordered[0]?.connectionId ?? '')
  const [typed, setTyped] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [pending, setPending] = useState(false)
  const reauth = useReauthCode()
  const chosen = ordered.find((c) => c.connectionId === connectionId) ?? null
  const close = () => {
    setOpen(false)
    setTyped('')
    setError(null)
  }
  const submit = async () => {
    if (!chosen) return
    setPending(true)
    const result = await requestRestoreAction({
      backupId: backup.id,
      connectionId: chosen.connectionId,
      confirm: typed,
      ...reauth.input,
    })
    setPending(false)
    reauth.answered(result)
    if (!result.ok) return setError(result.error)
    close()
    onQueued()
  }
  return (
    <>
      <Button size="sm" variant="secondary" onClick={() => setOpen(true)}>
        Restore…
        <span className="sr-only">
          {' '}
          the backup of {backup.connectionName} taken {formatUtc(backup.createdAt)}
        </span>
      </Button>
      {open ? (
        <ModalForm
          title={`Restore the backup of ${backup.connectionName}`}
          onClose={close}
          onSubmit={() => void submit()}
        >
          <p className="text-sm text-zinc-600">
            Taken {formatUtc(backup.createdAt)}. The worker checks the file’s checksum again, then restores it in one
            transaction: a failure leaves the database as it was.
          </p>
          {ordered.length === 0 ? (
            <p className="text-sm text-zinc-600">
              There is no {backup.format === 'PG_DUMP' ? 'PostgreSQL' : 'SQLite'} connection to restore into. Add one on
              the Connections page.
            </p>
          ) : (
            <label className="block space-y-1 text-sm">
              <span className="font-medium text-zinc-700">Restore into</span>
              <select
                autoFocus
                value={connectionId}
                onChange={(event) => {
                  setConnectionId(event.target.value)
                  setTyped('')
                  setError(null)
                }}
                className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm"
              >
                {ordered.map((c) => (
                  <option key={c.connectionId} value={c.connectionId}>
                    {c.environmentName} · {c.name}
                    {c.confirmName !== null ? ' (the database this backup came from)' : ''}
                  </option>
                ))}
              </select>
            </label>
          )}
          {chosen?.confirmName != null ? (
            <div className="space-y-2 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">
              <p>
                This is the database the backup was taken from. Every object in the backup is dropped there and replaced
                by its backed-up state; changes made since are lost.
              </p>
              <label className="block space-y-1">
                <span>
                  Type <strong className="font-mono">{chosen.confirmName}</strong> to confirm
                </span>
                <input
                  value={typed}
                  onChange={(event) => setTyped(event.target.value)}
                  aria-label="Database name"
                  className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-sm"
                />
              </label>
            </div>
          ) : null}
          {reauth.field}
          <ErrorText message={error} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close}>
              Cancel
            </Button>
            <Button
              type="submit"
              variant={chosen?.confirmName != null ? 'danger' : 'primary'}
              disabled={pending || !chosen || (chosen.confirmName !== null && typed !== chosen.confirmName)}
            >
              {pending ? 'Queueing…' : 'Queue restore'}
            </Button>
          </div>
        </ModalForm>
      ) : null}
    </>
  )
}
