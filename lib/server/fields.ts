import { z } from 'zod'

// Form fields arrive as strings; an empty or missing optional field means "none". Each helper carries
// the field-level message a person sees.

export const blankToNull = (value: unknown) =>
  value === undefined || (typeof value === 'string' && value.trim() === '') ? null : value

export const requiredText = (what: string, max: number) =>
  z.string(`Enter ${what}.`).trim().min(1, `Enter ${what}.`).max(max, `Use at most ${max} characters.`)
export const optionalText = (max: number) =>
  z.preprocess(blankToNull, z.string().trim().max(max, `Use at most ${max} characters.`).nullable())
export const longText = (max: number) => z.string().max(max, `Use at most ${max} characters.`).default('')
export const optionalDate = z.preprocess(blankToNull, z.iso.date('Enter a date as YYYY-MM-DD.').nullable())
/** For actions that take nothing: anything sent is ignored. */
export const ZNoInput = z.object({})

export const checkbox = z.preprocess((value) => value === true || value === 'on' || value === 'true', z.boolean())

export const ZId = z.uuid('Unknown item.')
