import type { z } from 'zod'

// JSON columns hold what an earlier version of Lockstep wrote, or a row someone edited by hand: a read parses
// them against the shape the code expects instead of trusting a cast, and names the record when one does not fit.

/** A stored JSON value that does not have the shape its column promises. */
export class StoredDataError extends Error {
  constructor(
    readonly what: string,
    detail: string,
  ) {
    super(`The stored ${what} cannot be read (${detail}).`)
    this.name = 'StoredDataError'
  }
}

/**
 * `json` read as `schema`: null when the column is empty, the parsed value when it fits, and a `StoredDataError`
 * naming `what` (e.g. "lint report of step “Add index”") with the first mismatch when it does not.
 */
export function parseStored<S extends z.ZodType>(schema: S, json: unknown, what: string): z.infer<S> | null {
  if (json === null || json === undefined) return null
  const parsed = schema.safeParse(json)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const at = issue?.path.length ? issue.path.join('.') : 'the value'
  throw new StoredDataError(what, `${at}: ${issue?.message ?? 'unexpected shape'}`)
}
