import 'server-only'
import { randomBytes } from 'node:crypto'
import { decryptSecret, encryptSecret } from '@/lib/server/connections/secrets'

// A webhook's signing secret in the Standard Webhooks form (`whsec_` + base64 of random bytes), kept encrypted
// like connection credentials and bound to its webhook: a ciphertext copied onto another row does not decrypt.

const contextOf = (webhookId: string) => `webhook:${webhookId}`

export const newSigningSecret = () => `whsec_${randomBytes(32).toString('base64')}`

export const sealSecret = (webhookId: string, secret: string) =>
  Uint8Array.from(encryptSecret(secret, contextOf(webhookId)))

/** Server-side only: for signing a delivery. */
export const openSecret = (webhookId: string, sealed: Uint8Array) => decryptSecret(sealed, contextOf(webhookId))
