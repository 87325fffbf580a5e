// Ids are UUIDv7 (prisma/schema.prisma): their first 12 hex digits are the creation time in milliseconds and the
// next ones a counter or more random bits, so every id made in the same minute starts alike. Their last 8 hex
// digits are random in every id Lockstep makes (UUIDv7 from Prisma, UUIDv4 from node:crypto): that is the part
// that tells two of them apart.

export const SHORT_ID_LENGTH = 8

/** The part of an id people can tell it by: its last 8 hex digits ("9f3c07a2"). */
export function shortId(id: string): string {
  return id.replaceAll('-', '').slice(-SHORT_ID_LENGTH)
}

/**
 * A run, a validation, a restore… as log lines name it: its kind and short id, then what it belongs to, e.g.
 * `run 9f3c07a2 (“Orders move” › “Data Migration” › staging)`. Without names (not found, or not readable) just
 * the kind and the short id.
 */
export function jobLabel(kind: string, id: string, names: readonly string[] | null = null): string {
  return names?.length ? `${kind} ${shortId(id)} (${names.join(' › ')})` : `${kind} ${shortId(id)}`
}
