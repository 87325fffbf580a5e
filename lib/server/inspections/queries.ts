import 'server-only'
import { z } from 'zod'
import { db } from '@/lib/db'
import type { InspectionDTO, InspectionResult } from '@/lib/domain/source-inspection'
import { parseStored } from '@/lib/domain/stored-json'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'

// A read of a source, polled by the mapping editor that asked for it. It holds the source's rows: only the
// person who asked sees it; anyone else – an editor of the same plan included – is told it does not exist.

/** A read the worker took and never finished (it stopped): shown as failed instead of running for ever. */
const STALE_MS = 5 * 60 * 1000

// Written by the worker of this same version an hour ago at most: its kind is checked, the rest is its own shape.
const ZStoredResult = z.object({ kind: z.enum(['profile', 'preview']) }).passthrough()

/** Editors; only the requester's own reads. */
export async function getInspection(
  actor: UserActor,
  planId: string,
  inspectionId: string,
  now = Date.now(),
): Promise<InspectionDTO> {
  assertCan(actor, 'plan:edit')
  if (!ZId.safeParse(planId).success || !ZId.safeParse(inspectionId).success) throw notFound('Source read')
  const row = await db.sourceInspection.findFirst({
    where: { id: inspectionId, planId, requestedById: actor.id },
  })
  if (!row) throw notFound('Source read')
  const stale = row.status === 'RUNNING' && row.startedAt !== null && now - row.startedAt.getTime() > STALE_MS
  return {
    id: row.id,
    kind: row.kind === 'PROFILE' ? 'profile' : 'preview',
    state: stale ? 'FAILED' : row.status,
    result: parseStored(ZStoredResult, row.result, 'source read') as InspectionResult | null,
    error: stale ? 'The worker stopped while reading the source; read it again.' : row.error,
    createdAt: row.createdAt.toISOString(),
  }
}
