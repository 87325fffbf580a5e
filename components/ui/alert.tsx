import type { ReactNode, Ref } from 'react'
import { cn } from './cn'

const TONES = {
  error: 'border-red-200 bg-red-50 text-red-800',
  success: 'border-emerald-200 bg-emerald-50 text-emerald-800',
  info: 'border-indigo-200 bg-indigo-50 text-indigo-800',
} as const

/** `focusRef`: the alert can take focus, for a message that answers what the person just did. */
export function Alert({
  tone,
  children,
  focusRef,
}: {
  tone: keyof typeof TONES
  children: ReactNode
  focusRef?: Ref<HTMLDivElement>
}) {
  return (
    <div
      ref={focusRef}
      tabIndex={focusRef ? -1 : undefined}
      role={tone === 'error' ? 'alert' : 'status'}
      className={cn('rounded-md border px-3 py-2 text-sm', TONES[tone])}
    >
      {children}
    </div>
  )
}
