// `lockstep remote push`: a migration folder (read as `lockstep sql apply --dir` reads it) into a phase's SQL
// steps, one PUT per script in folder order. Each script becomes the step named after its migration – V1__name
// for Flyway, the <timestamp>_<name> folder for Prisma – so pushing again finds the same steps.
import type { Script } from '@/lib/engine/sql/apply'
import { ApiProblem, request, type RemoteConfig } from './http'
import type { PlanPhase } from './plans'

export type StepRequest = {
  file: string
  body: { name: string; script: string; rollbackScript?: string; allowAppliedChange?: boolean }
}
export type Outcome = 'created' | 'updated' | 'unchanged'
export type Pushed = { file: string; name: string; outcome: Outcome; stepId: string; revision: number | null }
export type WouldPush = { file: string; name: string; outcome: 'would create' | 'would send' | Outcome }

/** The step a script is kept in: the name its migration tool knows it by. */
export function stepNameOf(script: Pick<Script, 'version' | 'file'>): string {
  const file = script.file ?? script.version
  if (/(^|\/)migration\.sql$/.test(file)) return script.version
  return file.replace(/^.*\//, '').replace(/\.sql$/i, '')
}

/** The folder's scripts as the requests that keep them in a phase, in folder order. */
export function stepRequests(scripts: Script[], allowAppliedChange: boolean): StepRequest[] {
  return scripts.map((s) => ({
    file: s.file ?? s.version,
    body: {
      name: stepNameOf(s),
      script: s.sql,
      ...(s.rollbackSql == null ? {} : { rollbackScript: s.rollbackSql }),
      ...(allowAppliedChange ? { allowAppliedChange: true } : {}),
    },
  }))
}

type StepWithText = PlanPhase['steps'][number] & { script?: unknown; rollbackScript?: unknown }

/**
 * What a push would do, from the phase as the plan shows it. The plan lists steps by name; when it also gives
 * their scripts the texts are compared, otherwise an existing step is only said to be sent (updated or unchanged
 * is the server's to tell).
 */
export function wouldPush(requests: StepRequest[], phase: PlanPhase): WouldPush[] {
  return requests.map(({ file, body }) => {
    const step = phase.steps.find((s) => s.name === body.name) as StepWithText | undefined
    if (!step) return { file, name: body.name, outcome: 'would create' }
    if (typeof step.script !== 'string') return { file, name: body.name, outcome: 'would send' }
    const same = step.script === body.script && (step.rollbackScript ?? undefined) === body.rollbackScript
    return { file, name: body.name, outcome: same ? 'unchanged' : 'updated' }
  })
}

/** A refusal of one script: the server's words, with the file they are about. */
export class ScriptRefused extends Error {
  constructor(
    readonly file: string,
    readonly problem: ApiProblem,
  ) {
    const fields = Object.entries(problem.errors).map(([field, messages]) => `${field}: ${messages.join(' ')}`)
    super(`${file}: ${problem.message}${fields.length ? ` (${fields.join('; ')})` : ''}`)
  }
}

/** PUTs each request in order; stops at the first refusal (later scripts may build on the refused one). */
export async function pushSteps(
  config: RemoteConfig,
  path: { planId: string; phaseId: string },
  requests: StepRequest[],
  onPushed: (pushed: Pushed) => void,
): Promise<Pushed[]> {
  const done: Pushed[] = []
  for (const { file, body } of requests) {
    try {
      const { body: answer } = await request<{ step: { id: string; revision: number | null }; outcome: Outcome }>(
        config,
        'PUT',
        `plans/${path.planId}/phases/${path.phaseId}/sql-steps`,
        { body },
      )
      const pushed = {
        file,
        name: body.name,
        outcome: answer.outcome,
        stepId: answer.step.id,
        revision: answer.step.revision,
      }
      done.push(pushed)
      onPushed(pushed)
    } catch (error) {
      // A revoked token is the pipeline's problem, not the script's.
      if (error instanceof ApiProblem && error.status !== 401) throw new ScriptRefused(file, error)
      throw error
    }
  }
  return done
}

export function pushSummary(outcomes: { outcome: string }[]): string {
  const counts = new Map<string, number>()
  for (const o of outcomes) counts.set(o.outcome, (counts.get(o.outcome) ?? 0) + 1)
  const parts = [...counts].map(([outcome, n]) => `${n} ${outcome}`)
  return `${outcomes.length} ${outcomes.length === 1 ? 'script' : 'scripts'}: ${parts.join(', ') || 'nothing to push'}.`
}
