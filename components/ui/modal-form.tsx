'use client'

import { useId, type ReactNode } from 'react'
import { MODAL_CLASS } from './modal'

/**
 * A modal form, open while rendered: titled for screen readers, closed by Escape (`onClose`), submitted by
 * Enter or its submit button (`onSubmit`, the browser's own submission prevented).
 */
export function ModalForm({ title, onClose, onSubmit, children }: { title: ReactNode; onClose: () => void; onSubmit: () => void; children: ReactNode }) {
  const id = useId()
  return (
    <dialog ref={(dialog) => void (dialog && !dialog.open && dialog.showModal())} aria-labelledby={`${id}-title`} className={MODAL_CLASS} onClose={onClose}>
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
