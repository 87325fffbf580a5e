'use client'

import { useState, type ReactNode } from 'react'
import { Button, type ButtonProps } from './button'
import { ModalForm } from './modal-form'

type Props = {
  triggerLabel: ReactNode
  triggerVariant?: ButtonProps['variant']
  title: string
  description: ReactNode
  confirmLabel: string
  /** When set, the person must type this exactly before confirming (destructive or production actions). */
  phrase?: string
  /** When set, the person must write a note (a reason, what was done by hand), passed to onConfirm. */
  note?: { label: string; hint?: string }
  /** Non-destructive decisions confirm with the primary button. */
  tone?: 'danger' | 'primary'
  onConfirm: (note: string) => Promise<string | null>
}

/** A modal confirmation; onConfirm resolves to an error message to show, or null when done. */
export function ConfirmDialog({
  triggerLabel,
  triggerVariant = 'secondary',
  title,
  description,
  confirmLabel,
  phrase,
  note,
  tone = 'danger',
  onConfirm,
}: Props) {
  // Rendered only while open: a page with hundreds of rows does not carry hundreds of dialogs.
  const [open, setOpen] = useState(false)
  const [typed, setTyped] = useState('')
  const [written, setWritten] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [pending, setPending] = useState(false)

  const close = () => {
    setOpen(false)
    setTyped('')
    setWritten('')
    setError(null)
  }
  const confirm = async () => {
    setPending(true)
    const message = await onConfirm(written.trim())
    setPending(false)
    if (message) setError(message)
    else close()
  }

  return (
    <>
      <Button size="sm" variant={triggerVariant} onClick={() => setOpen(true)}>
        {triggerLabel}
      </Button>
      {open ? (
        <ModalForm title={title} onClose={close} onSubmit={() => void confirm()}>
          <div className="text-sm text-zinc-600">{description}</div>
          {note ? (
            <label className="block space-y-1 text-sm">
              <span className="font-medium text-zinc-700">{note.label}</span>
              <textarea
                autoFocus
                required
                rows={3}
                maxLength={2000}
                value={written}
                onChange={(event) => setWritten(event.target.value)}
                className="block w-full rounded-md border border-zinc-300 px-3 py-2 text-sm"
              />
              {note.hint ? <span className="block text-xs text-zinc-500">{note.hint}</span> : null}
            </label>
          ) : null}
          {phrase ? (
            <label className="block space-y-1 text-sm">
              <span>
                Type <strong className="font-mono">{phrase}</strong> to confirm
              </span>
              <input
                autoFocus={!note}
                value={typed}
                onChange={(event) => setTyped(event.target.value)}
                className="block w-full rounded-md border border-zinc-300 px-3 py-2 font-mono text-sm"
                aria-label="Confirmation phrase"
              />
            </label>
          ) : null}
          {error ? (
            <p role="alert" className="text-sm text-red-600">
              {error}
            </p>
          ) : null}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close}>
              Cancel
            </Button>
            <Button
              type="submit"
              variant={tone}
              disabled={pending || (!!phrase && typed !== phrase) || (!!note && !written.trim())}
            >
              {pending ? 'Working…' : confirmLabel}
            </Button>
          </div>
        </ModalForm>
      ) : null}
    </>
  )
}
