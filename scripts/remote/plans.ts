// Plans, phases and environments named on the command line by id or by their exact title or name, found through
// GET /api/v1/plans and GET /api/v1/plans/{id}. A name two plans share is refused with their ids, never guessed.
import { ApiProblem, request, type RemoteConfig } from './http'

export type PlanSummary = { id: string; title: string; status: string; updatedAt: string }
export type PlanStep = { id: string; name: string; kind: string; position: number }
export type PlanPhase = { id: string; name: string; position: number; steps: PlanStep[] }
export type PlanEnvironment = { id: string; name: string; protected: boolean; position: number }
export type PlanDetail = {
  id: string
  title: string
  status: string
  phases: PlanPhase[]
  environments: PlanEnvironment[]
}
type Page<T> = { items: T[]; nextCursor: string | null }

/** Not found, or not one: a refusal like the server's own (exit 3), naming what was asked for. */
export const notFound = (detail: string) => new ApiProblem(404, 'not-found', detail)

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Every plan the token may read, page by page. */
export async function listPlans(config: RemoteConfig): Promise<PlanSummary[]> {
  const plans: PlanSummary[] = []
  let cursor: string | null = null
  do {
    const query: string = `plans?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const { body } = await request<Page<PlanSummary>>(config, 'GET', query)
    plans.push(...body.items)
    cursor = body.nextCursor
  } while (cursor)
  return plans
}

export async function readPlan(config: RemoteConfig, planId: string) {
  return (await request<PlanDetail>(config, 'GET', `plans/${encodeURIComponent(planId)}`)).body
}

/** The one item whose id is `wanted`, or else whose name is exactly `wanted`. */
export function pick<T extends { id: string }>(
  items: T[],
  wanted: string,
  nameOf: (item: T) => string,
  what: string,
  where = '',
): T {
  const byId = items.find((i) => i.id === wanted)
  if (byId) return byId
  const named = items.filter((i) => nameOf(i) === wanted)
  if (named.length === 1 && named[0]) return named[0]
  if (named.length > 1)
    throw new ApiProblem(
      409,
      'conflict',
      `${named.length} ${what}s${where} are named “${wanted}” (${named.map((i) => i.id).join(', ')}): give the id.`,
    )
  throw notFound(`No ${what}${where} has the id or name “${wanted}”.`)
}

/** The plan `wanted` names (its id, or its exact title), read with its phases and environments. */
export async function findPlan(config: RemoteConfig, wanted: string): Promise<PlanDetail> {
  if (UUID.test(wanted)) {
    const { status, body } = await request<PlanDetail>(config, 'GET', `plans/${wanted}`, { accept: [404] })
    if (status === 200) return body
  }
  const plan = pick(await listPlans(config), wanted, (p) => p.title, 'plan', ' this token may read')
  return readPlan(config, plan.id)
}

export const findPhase = (plan: PlanDetail, wanted: string) =>
  pick(plan.phases, wanted, (p) => p.name, 'phase', ` of “${plan.title}”`)
export const findEnvironment = (plan: PlanDetail, wanted: string) =>
  pick(plan.environments, wanted, (e) => e.name, 'environment', ` of “${plan.title}”`)
