'use client'

import { useEffect, useId, useState, type ReactNode } from 'react'
import { MODAL_CLASS } from './modal'

/**
 * A modal form, open while rendered: titled for screen readers, closed by Escape (`onClose`), submitted by
 * Enter or its submit button (`onSubmit`, the browser's own submission prevented).
 */
export function ModalForm({
  title,
  onClose,
  onSubmit,
  children,
}: {
  title: ReactNode
  onClose: () => void
  onSubmit: () => void
  children: ReactNode
}) {
  const id = useId()
  // What had focus when the dialog opened (it opens on the client, from a click or a key).
  const [opener] = useState(() => (typeof document === 'undefined' ? null : document.activeElement))
  // Closing by Escape gives focus back natively; a Cancel or a save unmounts the open dialog and would drop
  // focus to the page, so it goes back to what opened the dialog, when that is still there.
  useEffect(
    () => () => {
      const lost =
        !document.activeElement || document.activeElement === document.body || !document.activeElement.isConnected
      if (lost && opener instanceof HTMLElement && opener.isConnected) opener.focus()
    },
    [opener],
  )
  return (
    <dialog
      ref={(dialog) => void (dialog && !dialog.open && dialog.showModal())}
      aria-labelledby={`${id}-title`}
      className={MODAL_CLASS}
      onClose={onClose}
    >
      <form
        method="dialog"
        className="space-y-4 p-5"
        onSubmit={(event) => {
          event.preventDefault()
          onSubmit()
        }}
      >
        <h2 id={`${id}-title`} className="text-base font-semibold">
          {title}
        </h2>
        {children}
      </form>
    </dialog>
  )
}
