// Pure rules about accounts, kept free of I/O so they are tested directly.

/** How long an account stays locked after `failures` consecutive failed sign-ins (0 while under the limit). */
export function lockoutMs(failures: number, maxFailures: number): number {
  if (failures < maxFailures) return 0
  const doublings = Math.min(failures - maxFailures, 5)
  return Math.min(30_000 * 2 ** doublings, 15 * 60_000)
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

export function describeWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000)
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`
  const minutes = Math.ceil(seconds / 60)
  return `${minutes} minute${minutes === 1 ? '' : 's'}`
}
