'use client'

import { useId, useState, type ReactNode } from 'react'
import { Button, type ButtonProps } from './button'
import { MODAL_CLASS } from './modal'

type Props = {
  triggerLabel: ReactNode
  triggerVariant?: ButtonProps['variant']
  title: string
  description: ReactNode
  confirmLabel: string
  /** When set, the person must type this exactly before confirming (destructive or production actions). */
  phrase?: string
  onConfirm: () => Promise<string | null>
}

/** A modal confirmation; onConfirm resolves to an error message to show, or null when done. */
export function ConfirmDialog({ triggerLabel, triggerVariant = 'secondary', title, description, confirmLabel, phrase, onConfirm }: Props) {
  // Rendered only while open: a page with hundreds of rows does not carry hundreds of dialogs.
  const [open, setOpen] = useState(false)
  const [typed, setTyped] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [pending, setPending] = useState(false)
  const id = useId()

  const close = () => {
    setOpen(false)
    setTyped('')
    setError(null)
  }
  const confirm = async () => {
    setPending(true)
    const message = await onConfirm()
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
        <dialog ref={(dialog) => void (dialog && !dialog.open && dialog.showModal())} aria-labelledby={`${id}-title`} className={MODAL_CLASS} onClose={close}>
          <form
            method="dialog"
            className="space-y-4 p-5"
            onSubmit={(event) => {
              event.preventDefault()
              void confirm()
            }}
          >
            <h2 id={`${id}-title`} className="text-base font-semibold">
              {title}
            </h2>
            <div className="text-sm text-zinc-600">{description}</div>
            {phrase ? (
              <label className="block space-y-1 text-sm">
                <span>
                  Type <strong className="font-mono">{phrase}</strong> to confirm
                </span>
                <input
                  autoFocus
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
            <Button type="submit" variant="danger" disabled={pending || (!!phrase && typed !== phrase)}>
              {pending ? 'Working…' : confirmLabel}
            </Button>
          </div>
        </form>
      </dialog>
      ) : null}
    </>
  )
}
