import 'server-only'
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { appEnv } from '@/lib/env'
import type { Connection } from '@/lib/generated/prisma/client'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { DomainError } from '@/lib/server/errors'

// Connection credentials at rest: AES-256-GCM under LOCKSTEP_SECRET_KEY (npm start generates one into
// a key file readable only by its owner). Layout: version (1 byte) · IV (12) · tag (16) · ciphertext.
// The connection id is bound in as additional data, so a ciphertext copied onto another row fails.

const VERSION = 1
const IV_BYTES = 12
const TAG_BYTES = 16

/** A stored PostgreSQL connection as something to connect to; the password is decrypted here, server-side only. */
export function postgresTargetOf(
  c: Pick<Connection, 'id' | 'host' | 'port' | 'database' | 'username' | 'sslMode' | 'secret'>,
): PostgresTarget {
  return {
    host: c.host ?? '',
    port: c.port ?? 5432,
    database: c.database ?? '',
    user: c.username ?? '',
    password: c.secret ? decryptSecret(c.secret, c.id) : '',
    sslMode: (c.sslMode as PostgresTarget['sslMode']) ?? 'prefer',
  }
}

/** A domain error (its message is shown as it is), and loud: nothing is returned in its place. */
export class SecretKeyError extends DomainError {
  constructor() {
    super(
      'CONFLICT',
      'Stored credentials cannot be decrypted with the configured key (LOCKSTEP_SECRET_KEY changed, or the data was altered). Re-enter the password, or restore the original key.',
    )
    this.name = 'SecretKeyError'
  }
}

function secretKey(): Buffer {
  const configured = appEnv().LOCKSTEP_SECRET_KEY
  if (!configured)
    throw new DomainError(
      'CONFLICT',
      'Connection credentials cannot be stored or read: LOCKSTEP_SECRET_KEY is not set on the server.',
    )
  return Buffer.from(configured, 'base64')
}

export function encryptSecret(plain: string, context: string, key: Buffer = secretKey()): Buffer {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(context, 'utf8'))
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body])
}

/** Throws SecretKeyError when the key is wrong or the bytes were tampered with – never returns garbage. */
export function decryptSecret(blob: Uint8Array, context: string, key: Buffer = secretKey()): string {
  const bytes = Buffer.from(blob)
  if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) throw new SecretKeyError()
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + IV_BYTES))
    decipher.setAAD(Buffer.from(context, 'utf8'))
    decipher.setAuthTag(bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES))
    return Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
  } catch {
    throw new SecretKeyError()
  }
}

export { redact } from '@/lib/domain/redact'
