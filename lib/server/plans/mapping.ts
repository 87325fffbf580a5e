import 'server-only'
import { db } from '@/lib/db'
import { MappingInvalid, mappingOrThrow, mergeMappings, type TCopyMapping } from '@/lib/domain/mapping'

// What a plan's copy (and sync) steps do to names and values, for the validations of the plan: a validation compares the
// source through the same mapping with the target, so that what the copy changed on purpose compares equal.

/** The worker's read (no person): the mappings of the plan's copy steps, merged; throws MappingInvalid naming a conflict. */
export async function planCopyMapping(planId: string): Promise<TCopyMapping> {
  const steps = await db.step.findMany({
    where: { planId, kind: { in: ['COPY', 'SYNC'] }, removedAt: null },
    orderBy: [{ phase: { position: 'asc' } }, { position: 'asc' }],
    select: { name: true, config: true },
  })
  const mappings = steps.map((s) => {
    const config = s.config && typeof s.config === 'object' ? (s.config as { mapping?: unknown }) : {}
    return { label: `the step “${s.name}”`, mapping: mappingOrThrow(config.mapping) }
  })
  const { mapping, problems } = mergeMappings(mappings)
  if (problems.length) throw new MappingInvalid(problems)
  return mapping
}
