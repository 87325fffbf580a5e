import 'server-only'
import { createHash } from 'node:crypto'
import { db, type Prisma } from '@/lib/db'

// Idempotency keys (the Idempotency-Key header of POST /api/v1/runs): a retry with the same key and the same
// request answers what the first answered, without doing it again; the same key with another request is refused.
//
// The key's row is inserted first, in a transaction that stays open while the request is carried out and then
// stores the answer. A second request with the same key, sent meanwhile, waits at its own insert – the primary
// key (tokenId, key) makes it – until the first commits, then reads the stored answer. A request that fails
// rolls its row back, so a retry tries again.

export type StoredAnswer = { status: number; body: Prisma.InputJsonValue }

export class IdempotencyMismatch extends Error {}

export const requestHashOf = (method: string, path: string, body: string) =>
  createHash('sha256').update(`${method}\n${path}\n${body}`, 'utf8').digest('hex')

export async function withIdempotencyKey(
  tokenId: string,
  key: string,
  requestHash: string,
  perform: () => Promise<StoredAnswer>,
): Promise<StoredAnswer & { replayed: boolean }> {
  return db.$transaction(
    async (tx) => {
      const inserted = await tx.$executeRaw`
        INSERT INTO "ApiIdempotencyKey" ("tokenId", "key", "requestHash", "status", "response")
        VALUES (${tokenId}::uuid, ${key}, ${requestHash}, 0, 'null'::jsonb)
        ON CONFLICT ("tokenId", "key") DO NOTHING`
      if (inserted === 0) {
        const first = await tx.apiIdempotencyKey.findUniqueOrThrow({ where: { tokenId_key: { tokenId, key } } })
        if (first.requestHash !== requestHash) throw new IdempotencyMismatch()
        return { status: first.status, body: first.response as Prisma.InputJsonValue, replayed: true }
      }
      const answer = await perform()
      await tx.apiIdempotencyKey.update({
        where: { tokenId_key: { tokenId, key } },
        data: { status: answer.status, response: answer.body },
      })
      return { ...answer, replayed: false }
    },
    // The run is queued in its own transaction meanwhile (startRun); a waiting retry holds no lock of its own.
    { maxWait: 10_000, timeout: 60_000 },
  )
}
