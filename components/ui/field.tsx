import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react'
import { cn } from './cn'

const CONTROL =
  'block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-xs placeholder:text-zinc-400 focus:border-indigo-500 aria-invalid:border-red-500'

type FieldProps = { label: string; name: string; id?: string; errors?: string[]; hint?: ReactNode; children: ReactNode }

/** A label, a control and its messages, wired together for screen readers. */
export function Field({ label, name, id = name, errors, hint, children }: FieldProps) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-700">
        {label}
      </label>
      {children}
      {hint && !errors?.length ? (
        <p id={`${id}-hint`} className="text-xs text-zinc-500">
          {hint}
        </p>
      ) : null}
      {errors?.length ? (
        <p id={`${id}-error`} role="alert" className="text-xs text-red-600">
          {errors.join(' ')}
        </p>
      ) : null}
    </div>
  )
}

export function Input({ className, name, id = name, invalid, ...props }: InputHTMLAttributes<HTMLInputElement> & { name: string; invalid?: boolean }) {
  return (
    <input
      id={id}
      name={name}
      aria-invalid={invalid || undefined}
      aria-describedby={invalid ? `${id}-error` : `${id}-hint`}
      className={cn(CONTROL, className)}
      {...props}
    />
  )
}

export function Select({ className, name, invalid, ...props }: SelectHTMLAttributes<HTMLSelectElement> & { name: string; invalid?: boolean }) {
  return <select id={name} name={name} aria-invalid={invalid || undefined} className={cn(CONTROL, className)} {...props} />
}
