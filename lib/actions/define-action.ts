import { unstable_rethrow } from 'next/navigation'
import type { z } from 'zod'
import { requireActor } from '@/lib/auth/current-user'
import { isForeignActionRequest } from '@/lib/auth/origin'
import type { Permission } from '@/lib/auth/permissions'
import { FORGED_WRITE } from '@/lib/auth/same-origin'
import type { UserActor } from '@/lib/server/actor'
import { hiddenCharacterFields } from '@/lib/domain/hidden-characters'
import { DomainError } from '@/lib/server/errors'
import { redact } from '@/lib/domain/redact'

export type ActionResult<T> =
  | { ok: true; data: T; message?: string }
  | { ok: false; error: string; fieldErrors?: Record<string, string[]>; reauthenticate?: true }

type Input = FormData | Record<string, unknown>

function toObject(input: Input): Record<string, unknown> {
  if (!(input instanceof FormData)) return input
  const out: Record<string, unknown> = {}
  for (const [key, value] of input.entries()) {
    if (!key.startsWith('$ACTION')) out[key] = value
  }
  return out
}

/**
 * The one way to build a server action. Server actions are public POST endpoints, so every call refuses a
 * request from another site or without an Origin (as proxy.ts does, in case a request ever gets past it),
 * re-authenticates, checks `permission` against the role read from the database, refuses hidden
 * characters in any field (lib/domain/hidden-characters.ts), validates its input with `schema`, and
 * answers with an ActionResult – never a stack trace.
 * Usable directly and with useActionState (previous state first). `enrolling` is for the two-factor set-up
 * actions only: they also serve an admin or DBA who has not set it up yet.
 */
export function defineAction<S extends z.ZodType, T>(
  permission: Permission,
  schema: S,
  handler: (input: z.infer<S>, actor: UserActor) => Promise<T>,
  options: { success?: (data: T) => string; enrolling?: boolean } = {},
) {
  return async function action(
    prevOrInput: ActionResult<T> | null | Input,
    maybeInput?: Input,
  ): Promise<ActionResult<T>> {
    const raw = maybeInput ?? (prevOrInput as Input | null) ?? {}
    try {
      if (await isForeignActionRequest()) return { ok: false, error: FORGED_WRITE }
      const actor = await requireActor(permission, { enrolling: options.enrolling })
      const input = toObject(raw)
      // Before any schema: no field of any form may carry text-direction overrides or control characters.
      const hidden = hiddenCharacterFields(input)
      const first = Object.values(hidden)[0]?.[0]
      if (first) return { ok: false, error: first, fieldErrors: hidden }
      const parsed = schema.safeParse(input)
      if (!parsed.success) {
        return { ok: false, error: 'Please correct the highlighted fields.', fieldErrors: fieldErrorsOf(parsed.error) }
      }
      const data = await handler(parsed.data, actor)
      return { ok: true, data, message: options.success?.(data) }
    } catch (error) {
      unstable_rethrow(error)
      if (error instanceof DomainError) {
        return {
          ok: false,
          error: error.message,
          fieldErrors: error.fieldErrors,
          ...(error.code === 'REAUTHENTICATE' ? { reauthenticate: true as const } : {}),
        }
      }
      // Logged without secrets: connection URLs and passwords are masked.
      console.error(
        '[action] unexpected failure',
        redact(error instanceof Error ? (error.stack ?? error.message) : String(error)),
      )
      return { ok: false, error: 'Something went wrong on our side; nothing was changed. Try again in a moment.' }
    }
  }
}

function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_form'
    ;(out[key] ??= []).push(issue.message)
  }
  return out
}
