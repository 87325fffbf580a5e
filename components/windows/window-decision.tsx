'use client'

import { useState } from 'react'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { approveWindowAction, cancelWindowAction, rejectWindowAction } from '@/lib/actions/windows'
import type { WindowDTO } from '@/lib/server/windows/queries'
import { ErrorText } from '@/components/ui/error-text'
import { TextArea } from '@/components/ui/field'
import { useReauthCode } from '@/components/auth/reauth-code'

/** Approve (typing the environment's name when it is protected), reject with a note, or cancel. */
export function WindowDecision({ window: w }: { window: WindowDTO }) {
  const [mode, setMode] = useState<'approve' | 'reject' | null>(null)
  const [note, setNote] = useState('')
  const [confirm, setConfirm] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [pending, setPending] = useState(false)
  const reauth = useReauthCode()
  const label = `${w.environment.name}, ${w.startsAt.slice(0, 16).replace('T', ' ')} UTC`

  const submit = async () => {
    setPending(true)
    const result =
      mode === 'approve'
        ? await approveWindowAction({ windowId: w.id, note, confirm, ...reauth.input })
        : await rejectWindowAction({ windowId: w.id, note })
    setPending(false)
    reauth.answered(result)
    if (!result.ok) setError(result.fieldErrors?.confirm?.[0] ?? result.fieldErrors?.note?.[0] ?? result.error)
    else {
      setMode(null)
      setError(null)
    }
  }

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        {w.canDecide ? (
          <>
            <Button
              size="sm"
              aria-expanded={mode === 'approve'}
              onClick={() => setMode(mode === 'approve' ? null : 'approve')}
            >
              Approve…<span className="sr-only"> the window on {label}</span>
            </Button>
            <Button
              size="sm"
              variant="secondary"
              aria-expanded={mode === 'reject'}
              onClick={() => setMode(mode === 'reject' ? null : 'reject')}
            >
              Reject…<span className="sr-only"> the window on {label}</span>
            </Button>
          </>
        ) : null}
        {w.canCancel ? (
          <ConfirmDialog
            triggerLabel={
              <>
                Cancel window<span className="sr-only"> on {label}</span>
              </>
            }
            triggerVariant="ghost"
            title="Cancel this maintenance window?"
            description={<>The window on “{w.environment.name}” is withdrawn; runs can no longer use it.</>}
            confirmLabel="Cancel window"
            onConfirm={async () => {
              const result = await cancelWindowAction({ windowId: w.id })
              return result.ok ? null : result.error
            }}
          />
        ) : null}
      </div>
      {mode ? (
        <form
          className="space-y-2 rounded-md border border-zinc-200 bg-zinc-50 p-3"
          onSubmit={(event) => {
            event.preventDefault()
            void submit()
          }}
        >
          <div className="space-y-1 text-sm">
            <label htmlFor={`decision-note-${w.id}`} className="block font-medium text-zinc-700">
              {mode === 'approve' ? 'Note (optional)' : 'Why is it rejected?'}
            </label>
            <TextArea
              id={`decision-note-${w.id}`}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              rows={2}
              maxLength={2000}
            />
          </div>
          {mode === 'approve' && w.environment.protected ? (
            <label className="block text-sm">
              <span className="mb-1 block font-medium text-zinc-700">
                “{w.environment.name}” is protected. Type <strong>{w.environment.name}</strong> to approve.
              </span>
              <input
                value={confirm}
                onChange={(e) => setConfirm(e.target.value)}
                autoComplete="off"
                className="block w-full rounded-md border border-zinc-300 px-3 py-2 text-sm"
              />
            </label>
          ) : null}
          {mode === 'approve' ? (
            <p className="text-xs text-zinc-600">
              You approve {w.phaseName ? `the steps of “${w.phaseName}”` : 'the steps of every phase of the plan'} as
              they are now: runs in this window execute exactly those, and any change to them sends the window back for
              approval.
            </p>
          ) : null}
          {mode === 'approve' ? reauth.field : null}
          <ErrorText message={error} />
          <Button
            type="submit"
            size="sm"
            variant={mode === 'approve' ? 'primary' : 'danger'}
            disabled={
              pending || (mode === 'approve' && w.environment.protected && confirm.trim() !== w.environment.name)
            }
          >
            {pending ? 'Saving…' : mode === 'approve' ? 'Approve window' : 'Reject window'}
          </Button>
        </form>
      ) : null}
    </div>
  )
}
