// When a new API token expires: the choices the form offers and the server accepts.

export const TOKEN_EXPIRY_DAYS = ['7', '30', '90', '365', 'never'] as const
export type TokenExpiry = (typeof TOKEN_EXPIRY_DAYS)[number]

export const EXPIRY_LABELS: Record<TokenExpiry, string> = {
  '7': 'In 7 days',
  '30': 'In 30 days',
  '90': 'In 90 days',
  '365': 'In a year',
  never: 'Never',
}

/** When a token created at `now` expires; null for never. */
export const expiryOf = (days: TokenExpiry, now: Date): Date | null =>
  days === 'never' ? null : new Date(now.getTime() + Number(days) * 86_400_000)
