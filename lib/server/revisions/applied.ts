import 'server-only'
import type { Tx } from '@/lib/db'
import { scriptChecksum, scriptsChecksum } from '@/lib/server/step-content'

// Where a SQL step's script is applied: per environment, the latest step run that left it applied there
// (succeeded) or undid it (rolled back), as the target's history table says. A step run keeps the text it
// ran, so its checksum names the revision that ran (lib/server/revisions/record.ts).

export type AppliedScript = {
  environmentId: string
  environmentName: string
  runId: string
  at: string | null
  body: string
  /** The step's scriptsChecksum as it ran: the revision it matches. */
  scriptsChecksum: string
  /** The script's checksum in the target's history table. */
  historyChecksum: string
}

/** Every real step run of the step that applied its script (succeeded) or undid it (rolled back), newest first. */
async function endedStepRuns(tx: Tx, stepId: string) {
  return tx.stepRun.findMany({
    where: { stepId, kind: 'SQL', status: { in: ['SUCCEEDED', 'ROLLED_BACK'] }, run: { dryRun: false } },
    orderBy: [{ finishedAt: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
    select: {
      status: true,
      body: true,
      rollbackBody: true,
      finishedAt: true,
      runId: true,
      run: { select: { environment: { select: { id: true, name: true } } } },
    },
  })
}

const toScript = (r: Awaited<ReturnType<typeof endedStepRuns>>[number]): AppliedScript => ({
  environmentId: r.run.environment.id,
  environmentName: r.run.environment.name,
  runId: r.runId,
  at: r.finishedAt?.toISOString() ?? null,
  body: r.body,
  scriptsChecksum: scriptsChecksum(r),
  historyChecksum: scriptChecksum(r.body),
})

/** Every text that ran (succeeded) on each environment: per environment and text, its latest run. */
export async function ranScriptsOf(tx: Tx, stepId: string): Promise<AppliedScript[]> {
  const seen = new Set<string>()
  return (await endedStepRuns(tx, stepId))
    .filter((r) => r.status === 'SUCCEEDED')
    .map(toScript)
    .filter((s) => {
      const key = `${s.environmentId} ${s.scriptsChecksum}`
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
}

/** The environments where the step's script is applied now, with the text that ran there. */
export async function appliedScriptsOf(tx: Tx, stepId: string): Promise<AppliedScript[]> {
  const runs = await endedStepRuns(tx, stepId)
  const latest = new Map<string, (typeof runs)[number]>()
  for (const r of runs) if (!latest.has(r.run.environment.id)) latest.set(r.run.environment.id, r)
  return [...latest.values()]
    .filter((r) => r.status === 'SUCCEEDED')
    .map(toScript)
    .sort((a, b) => a.environmentName.localeCompare(b.environmentName))
}

/** The environments where `body` would differ from the applied script: a run there would refuse it. */
export const appliedElsewhere = (applied: AppliedScript[], body: string) =>
  applied.filter((a) => a.historyChecksum !== scriptChecksum(body))
