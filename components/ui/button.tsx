import type { ButtonHTMLAttributes } from 'react'
import { cn } from './cn'

// The looks are classes of app/globals.css (btn, btn-<variant>, btn-<size>): short, because a page may hold hundreds.
const VARIANTS = {
  primary: 'btn-primary',
  secondary: 'btn-secondary',
  danger: 'btn-danger',
  ghost: 'btn-ghost',
} as const
const SIZES = { sm: 'btn-sm', md: 'btn-md' } as const

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: keyof typeof VARIANTS
  size?: keyof typeof SIZES
}

export function Button({ variant = 'primary', size = 'md', className, type = 'button', ...props }: ButtonProps) {
  return <button type={type} className={cn('btn', VARIANTS[variant], SIZES[size], className)} {...props} />
}
