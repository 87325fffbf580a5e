import { hash, verify } from '@node-rs/argon2'

// Argon2id (memory-hard) with OWASP's recommended minimum: 19 MiB, 2 passes, 1 lane.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

export const PASSWORD_MIN_LENGTH = 12
export const PASSWORD_MAX_LENGTH = 256

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS)
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

/**
 * Verified against when the email names no account, so that both answers cost one Argon2id verification.
 * Fixed rather than made on first use, which would make the first such answer twice as slow; made with
 * OPTIONS (password.test.ts holds them equal).
 */
export const DUMMY_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$h8IvjnyFhg9OQjvkCwheFg$iTBGJJqt3QiOIOugqwjmjP7vQxsM4086/DpKIV2W00I'
