// Pure rules about accounts, kept free of I/O so they are tested directly.

import { isIPv4, isIPv6 } from 'node:net'

// The lockout: 30 seconds at the limit, doubling with each failure past it, never longer than 15 minutes.
// The database applies the same rule when it counts a failure (sign-in-limits.ts); a test holds them equal.
export const LOCKOUT_FIRST_MS = 30_000
export const LOCKOUT_LONGEST_MS = 15 * 60_000
export const LOCKOUT_MAX_DOUBLINGS = 5

/** How long an account stays locked after `failures` consecutive failed sign-ins (0 while under the limit). */
export function lockoutMs(failures: number, maxFailures: number): number {
  if (failures < maxFailures) return 0
  const doublings = Math.min(failures - maxFailures, LOCKOUT_MAX_DOUBLINGS)
  return Math.min(LOCKOUT_FIRST_MS * 2 ** doublings, LOCKOUT_LONGEST_MS)
}

/** The window failed sign-ins from one client address are counted in. */
export const ADDRESS_WINDOW_MS = 15 * 60_000

/**
 * What failed sign-ins from `address` are counted under: an IPv4 address as it is (also when written as
 * IPv6), an IPv6 address by its /64 network – one client commonly holds a whole /64 – and anything else
 * lower-cased. Null (no address known): nothing to count under.
 */
export function addressLimitKey(address: string | null): string | null {
  const text = address?.trim().toLowerCase()
  if (!text) return null
  if (isIPv4(text)) return text
  const groups = ipv6Groups(text)
  if (!groups) return text
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6)
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.')
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`
}

/** The eight 16-bit groups of an IPv6 address (zone dropped, a dotted IPv4 tail converted), or null. */
function ipv6Groups(address: string): number[] | null {
  let text = address.split('%')[0] ?? ''
  if (!isIPv6(text)) return null
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number)
    text = `${text.slice(0, dotted.index)}${(((a ?? 0) << 8) | (b ?? 0)).toString(16)}:${(((c ?? 0) << 8) | (d ?? 0)).toString(16)}`
  }
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : [])
  const [head = '', tail] = text.split('::')
  if (tail === undefined) return parse(head)
  const before = parse(head)
  const after = parse(tail)
  return [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after]
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
