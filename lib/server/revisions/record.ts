import 'server-only'
import type { Tx } from '@/lib/db'
import type { Actor } from '@/lib/server/actor'
import { scriptsChecksum } from '@/lib/server/step-content'

// Every saved text of a SQL step's script and rollback script is kept as a numbered revision, written in
// the transaction of the save (whose audit event names the revision). Numbers are per step; saves of one
// plan are serialized by its row lock (edit-plan.ts) and the unique index (step, number) holds the rest.

export type RevisionOrigin = 'created' | 'edited' | 'imported' | 'restored' | 'existing'

type Scripts = { id: string; body: string; rollbackBody: string | null }

const authorOf = (actor: Actor) =>
  actor.kind === 'user'
    ? { authorId: actor.id, authorLabel: actor.email }
    : { authorId: null, authorLabel: actor.label }

/**
 * Records the step's scripts as its next revision; returns its number, or null when they equal the latest
 * revision (a save that changed only the name or the timeouts).
 */
export async function recordRevision(
  tx: Tx,
  actor: Actor,
  step: Scripts,
  origin: RevisionOrigin,
  restoredFrom: number | null = null,
): Promise<number | null> {
  const checksum = scriptsChecksum(step)
  const last = await tx.scriptRevision.findFirst({
    where: { stepId: step.id },
    orderBy: { number: 'desc' },
    select: { number: true, scriptsChecksum: true },
  })
  if (last?.scriptsChecksum === checksum) return null
  const number = (last?.number ?? 0) + 1
  await tx.scriptRevision.create({
    data: {
      stepId: step.id,
      number,
      body: step.body,
      rollbackBody: step.rollbackBody,
      scriptsChecksum: checksum,
      origin,
      restoredFrom,
      ...authorOf(actor),
    },
  })
  return number
}

/** Revision 1 of each new step of an imported document. */
export async function recordImportedRevisions(tx: Tx, actor: Actor, steps: Scripts[]): Promise<void> {
  await tx.scriptRevision.createMany({
    data: steps.map((step) => ({
      stepId: step.id,
      number: 1,
      body: step.body,
      rollbackBody: step.rollbackBody,
      scriptsChecksum: scriptsChecksum(step),
      origin: 'imported',
      ...authorOf(actor),
    })),
  })
}
