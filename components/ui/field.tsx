'use client'

import {
  createContext,
  use,
  useEffect,
  useRef,
  useState,
  type ChangeEvent,
  type InputHTMLAttributes,
  type ReactNode,
  type RefObject,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react'
import { cn } from './cn'

const CONTROL =
  'block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-xs placeholder:text-zinc-500 focus:border-indigo-500 aria-invalid:border-red-500'

// The control of a Field points at the message the Field actually shows (its error, else its hint), never at
// an id that is not on the page.
const FieldContext = createContext<{ id: string; message?: string } | null>(null)

type FieldProps = { label: string; name: string; id?: string; errors?: string[]; hint?: ReactNode; children: ReactNode }

/** A label, a control and its messages, wired together for screen readers. */
export function Field({ label, name, id = name, errors, hint, children }: FieldProps) {
  const message = errors?.length ? `${id}-error` : hint ? `${id}-hint` : undefined
  return (
    <div className="min-w-0 space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-700">
        {label}
      </label>
      <FieldContext value={{ id, message }}>{children}</FieldContext>
      {hint && !errors?.length ? (
        <p id={`${id}-hint`} className="text-xs text-zinc-600">
          {hint}
        </p>
      ) : null}
      {errors?.length ? (
        <p id={`${id}-error`} role="alert" className="text-xs text-red-700">
          {errors.join(' ')}
        </p>
      ) : null}
    </div>
  )
}

// Past this share of its limit a field counts its characters; past the limit it says so instead of cutting.
const COUNT_FROM = 0.8

type Limited = { id: string; maxLength?: number; value?: unknown; defaultValue?: unknown; describedBy?: string }

/**
 * What a control with a limit needs: its length as typed, the ids that describe it, and the note under it.
 * The browser's maxLength is not used: it cuts pasted text silently, so a person would save less than they
 * meant without being told. The server refuses an over-long value with the same limit.
 */
function useLimit(
  ref: RefObject<HTMLInputElement | HTMLTextAreaElement | null>,
  { id, maxLength, value, defaultValue, describedBy }: Limited,
) {
  const field = use(FieldContext)
  const [typed, setTyped] = useState<number | null>(null)
  const length =
    value !== undefined && value !== null ? String(value).length : (typed ?? String(defaultValue ?? '').length)
  const over = maxLength !== undefined && length > maxLength
  const counting = maxLength !== undefined && length >= Math.floor(maxLength * COUNT_FROM)
  const countId = `${id}-count`

  useEffect(() => {
    ref.current?.setCustomValidity(over ? `Use at most ${maxLength} characters.` : '')
  }, [ref, over, maxLength])
  // A form reset (after a save) puts the default back without an input event.
  useEffect(() => {
    const form = ref.current?.form
    if (!form) return
    const onReset = () => setTyped(null)
    form.addEventListener('reset', onReset)
    return () => form.removeEventListener('reset', onReset)
  }, [ref])

  const ids = [describedBy, field?.id === id ? field.message : undefined, counting ? countId : undefined]
    .filter(Boolean)
    .join(' ')
  const note =
    maxLength !== undefined && counting ? (
      <p
        id={countId}
        aria-live="polite"
        className={cn('text-xs tabular-nums', over ? 'font-medium text-red-700' : 'text-zinc-600')}
        data-testid="character-count"
      >
        {over
          ? `${length} characters: ${length - maxLength} over the limit of ${maxLength}. Shorten it to save.`
          : `${length} of ${maxLength} characters`}
      </p>
    ) : null
  return { over, describedBy: ids || undefined, note, onLength: setTyped }
}

/** What a limited control adds to its element: invalid past the limit, described by its messages, counting as it changes. */
function limitedProps<E extends HTMLInputElement | HTMLTextAreaElement>(
  limit: ReturnType<typeof useLimit>,
  invalid: boolean | undefined,
  onChange: ((event: ChangeEvent<E>) => void) | undefined,
) {
  return {
    'aria-invalid': invalid || limit.over || undefined,
    'aria-describedby': limit.describedBy,
    onChange: (event: ChangeEvent<E>) => {
      limit.onLength(event.target.value.length)
      onChange?.(event)
    },
  }
}

type InputProps = InputHTMLAttributes<HTMLInputElement> & { name: string; invalid?: boolean }

export function Input({
  className,
  name,
  id = name,
  invalid,
  maxLength,
  onChange,
  'aria-describedby': describedBy,
  ...props
}: InputProps) {
  const ref = useRef<HTMLInputElement>(null)
  const limit = useLimit(ref, { id, maxLength, value: props.value, defaultValue: props.defaultValue, describedBy })
  return (
    <>
      <input
        ref={ref}
        id={id}
        name={name}
        className={cn(CONTROL, className)}
        {...limitedProps(limit, invalid, onChange)}
        {...props}
      />
      {limit.note}
    </>
  )
}

type NumberFieldProps = Omit<FieldProps, 'children'> &
  Pick<InputHTMLAttributes<HTMLInputElement>, 'min' | 'max' | 'className' | 'defaultValue'>

/** A labelled whole-number field: typed on a phone's number pad, marked invalid while it has errors. */
export function NumberField({ label, name, id = name, errors, hint, ...input }: NumberFieldProps) {
  return (
    <Field label={label} name={name} id={id} errors={errors} hint={hint}>
      <Input name={name} id={id} type="number" inputMode="numeric" invalid={!!errors} {...input} />
    </Field>
  )
}

type TextAreaProps = TextareaHTMLAttributes<HTMLTextAreaElement> & { name?: string; id: string; invalid?: boolean }

export function TextArea({
  className,
  id,
  invalid,
  maxLength,
  onChange,
  'aria-describedby': describedBy,
  ...props
}: TextAreaProps) {
  const ref = useRef<HTMLTextAreaElement>(null)
  const limit = useLimit(ref, { id, maxLength, value: props.value, defaultValue: props.defaultValue, describedBy })
  return (
    <>
      <textarea
        ref={ref}
        id={id}
        className={cn(CONTROL, className)}
        {...limitedProps(limit, invalid, onChange)}
        {...props}
      />
      {limit.note}
    </>
  )
}

export function Select({
  className,
  name,
  id = name,
  invalid,
  'aria-describedby': describedBy,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & { name: string; invalid?: boolean }) {
  const field = use(FieldContext)
  const ids = [describedBy, field?.id === id ? field.message : undefined].filter(Boolean).join(' ')
  return (
    <select
      id={id}
      name={name}
      aria-invalid={invalid || undefined}
      aria-describedby={ids || undefined}
      className={cn(CONTROL, className)}
      {...props}
    />
  )
}
