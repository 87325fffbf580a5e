import { cn } from './cn'

/** A one-line refusal beside the control that caused it; nothing when there is no message. */
export function ErrorText({ message, className }: { message: string | null | undefined; className?: string }) {
  if (!message) return null
  return (
    <p role="alert" className={cn('text-sm text-red-700', className)}>
      {message}
    </p>
  )
}
