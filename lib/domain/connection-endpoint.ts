// Where a PostgreSQL connection sends its stored password, and when that password may be kept on an edit.
// Shared by the data layer (which enforces it) and the connection form (which says it before saving).

/** SSL modes from the weakest to the strongest: "prefer" falls back to plain text, "require" never does, "verify-full" also checks who answers. */
export const SSL_MODES = ['disable', 'prefer', 'require', 'verify-full'] as const
export type SslMode = (typeof SSL_MODES)[number]

export type Endpoint = { host: string; port: number; database: string; username: string; sslMode: SslMode }

const PARTS = [
  ['host', 'the host'],
  ['port', 'the port'],
  ['database', 'the database'],
  ['username', 'the user'],
] as const

const sameHost = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase()

/** Whether `after` names another server, database or user than `before` (SSL aside). */
export function endpointMoved(before: Endpoint, after: Endpoint): boolean {
  return changedParts(before, after).length > 0
}

function changedParts(before: Endpoint, after: Endpoint): string[] {
  return PARTS.filter(([key]) =>
    key === 'host' ? !sameHost(before.host, after.host) : before[key] !== after[key],
  ).map(([, words]) => words)
}

const list = (words: string[]) =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`

/**
 * Why a stored password may not be kept when a connection changes from `before` to `after`, or null
 * when it may. A stored password goes only where it was saved for, and never less safely: moving the
 * connection (host, port, database, user) or weakening its SSL mode needs the password typed again.
 */
export function passwordRetypeReason(before: Endpoint, after: Endpoint): string | null {
  const moved = changedParts(before, after)
  if (moved.length)
    return `You changed ${list(moved)}; type the password again – a stored password is only ever sent to the server it was saved for.`
  if (SSL_MODES.indexOf(after.sslMode) < SSL_MODES.indexOf(before.sslMode)) {
    return `You weakened the SSL mode from ${before.sslMode} to ${after.sslMode}; type the password again – a stored password is never sent less safely than it was saved for.`
  }
  return null
}

/** The refusal for a connection to Lockstep's own database server that no admin allowed. */
export const ownServerMessage = (name: string) =>
  `“${name}” points at Lockstep's own database server; only an admin can allow that.`
