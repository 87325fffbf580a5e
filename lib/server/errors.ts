/** Expected failures of a data-layer call; their messages are safe to show to the person acting. */
export class DomainError extends Error {
  constructor(
    // REAUTHENTICATE: the person must enter a code from their authenticator first (lib/server/users/reauthenticate.ts).
    readonly code: 'NOT_FOUND' | 'FORBIDDEN' | 'CONFLICT' | 'INVALID' | 'UNAUTHENTICATED' | 'REAUTHENTICATE',
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message)
    this.name = 'DomainError'
  }
}

// A foreign or unauthorized id answers exactly like a missing one.
export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found.`)
export const forbidden = () => new DomainError('FORBIDDEN', 'You do not have permission to do that.')
export const conflict = (message: string) => new DomainError('CONFLICT', message)
export const invalid = (message: string, fieldErrors?: Record<string, string[]>) =>
  new DomainError('INVALID', message, fieldErrors)
