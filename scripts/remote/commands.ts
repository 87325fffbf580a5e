// The three `lockstep remote` commands: read the command line, call the API, print for people or as JSON.
import { resolve } from 'node:path'
import { readScriptsDir } from '@/lib/engine/sql/scripts-dir'
import { UsageError } from '../cli-args'
import { request, type RemoteConfig } from './http'
import { idempotencyKeyOf, pushArgs, runArgs, statusArgs } from './options'
import { findEnvironment, findPhase, findPlan, listPlans } from './plans'
import { pushSteps, pushSummary, stepRequests, wouldPush } from './push'
import { EXIT, followRun, formatEvent, runUrlOf, startRun } from './run'
import { remoteEnv } from '@/lib/env'

const print = (json: boolean, value: unknown) => json && console.log(JSON.stringify(value, null, 2))

export async function pushCommand(config: RemoteConfig, args: string[], json: boolean): Promise<number> {
  const o = pushArgs(args)
  const { scripts, skipped } = await readScriptsDir(resolve(o.dir)).catch((error: Error) => {
    // Named as given: the absolute path is the machine's business.
    throw new UsageError(`--dir: ${error.message.replaceAll(resolve(o.dir), o.dir)}`)
  })
  for (const s of json ? [] : skipped) console.error(`Not pushed: ${s.name} – ${s.reason}.`)
  const plan = await findPlan(config, o.plan)
  const phase = findPhase(plan, o.phase)
  const requests = stepRequests(scripts, o.allowAppliedChange)
  const where = `“${plan.title}” › ${phase.name}`
  if (o.dryRun) {
    const outcomes = wouldPush(requests, phase)
    if (json) print(json, { plan: plan.id, phase: phase.id, dryRun: true, outcomes, skipped })
    else {
      for (const p of outcomes) console.log(`${p.outcome}: ${p.name} (${p.file})`)
      console.log(`Dry run into ${where}, nothing written – ${pushSummary(outcomes)}`)
    }
    return skipped.length ? EXIT.notAll : EXIT.ok
  }
  const pushed = await pushSteps(config, { planId: plan.id, phaseId: phase.id }, requests, (p) => {
    if (!json)
      console.log(
        `${p.outcome}: ${p.name} (${p.file})${p.outcome === 'unchanged' || p.revision === null ? '' : `, revision ${p.revision}`}`,
      )
  })
  if (json) print(json, { plan: plan.id, phase: phase.id, dryRun: false, outcomes: pushed, skipped })
  else console.log(`Pushed into ${where} – ${pushSummary(pushed)}`)
  return skipped.length ? EXIT.notAll : EXIT.ok
}

export async function runCommand(config: RemoteConfig, args: string[], json: boolean): Promise<number> {
  const o = runArgs(args)
  const plan = await findPlan(config, o.plan)
  const phase = findPhase(plan, o.phase)
  const environment = findEnvironment(plan, o.env)
  const start = { planId: plan.id, phaseId: phase.id, environmentId: environment.id, dryRun: o.dryRun }
  const key = idempotencyKeyOf(o.idempotencyKey ?? remoteEnv().LOCKSTEP_IDEMPOTENCY_KEY, start)
  const run = await startRun(config, start, key)
  const url = runUrlOf(config, run.url)
  if (!json) console.log(`Run ${run.id} of ${phase.name} on ${environment.name}${o.dryRun ? ' (dry run)' : ''}: ${url}`)
  if (!o.wait) {
    print(json, { ...run, url })
    return EXIT.ok
  }
  // Ctrl-C (or the pipeline cancelling the job) stops the waiting, not the run: say where it goes on.
  process.once('SIGINT', () => {
    console.error(`Stopped waiting; the run goes on: ${url}`)
    process.exit(130)
  })
  const deadline = o.timeoutSeconds === undefined ? null : Date.now() + o.timeoutSeconds * 1000
  const events: unknown[] = []
  const { run: ended, exit } = await followRun(config, run.id, {
    deadline,
    onEvent: (e) => (json ? events.push(e) : console.log(formatEvent(e))),
  })
  print(json, { ...ended, url, events })
  const line =
    exit === EXIT.notAll
      ? `The run waits at a manual gate: release it at ${url}`
      : exit === EXIT.timeout
        ? `Still ${ended.status} after ${o.timeoutSeconds} s; it goes on: ${url}`
        : `Run ${ended.status}${ended.error ? `: ${ended.error}` : ''}`
  if (!json) (exit === EXIT.ok ? console.log : console.error)(line)
  return exit
}

type Me = {
  email: string
  name: string
  role: string
  token: { name: string; scopes: string[]; expiresAt: string | null }
}

export async function statusCommand(config: RemoteConfig, args: string[], json: boolean): Promise<number> {
  const o = statusArgs(args)
  const { body: me } = await request<Me>(config, 'GET', 'me')
  const plan = o.plan ? await findPlan(config, o.plan) : null
  const plans = plan ? null : await listPlans(config)
  if (json) {
    print(json, { me, ...(plan ? { plan } : { plans }) })
    return EXIT.ok
  }
  const expiry = me.token.expiresAt ? `expires ${me.token.expiresAt.slice(0, 10)}` : 'no expiry'
  console.log(
    `${config.baseUrl.origin}: ${me.name} <${me.email}> (${me.role}), token “${me.token.name}” – ${me.token.scopes.join(', ')}; ${expiry}`,
  )
  if (plan) {
    console.log(`\n${plan.title} (${plan.status.toLowerCase()}) ${plan.id}`)
    for (const p of plan.phases) console.log(`  phase ${p.name} – ${p.steps.length} steps – ${p.id}`)
    for (const e of plan.environments)
      console.log(`  environment ${e.name}${e.protected ? ' (protected: runs need an approved window)' : ''} – ${e.id}`)
  } else {
    console.log(`\n${plans?.length ?? 0} plans:`)
    for (const p of plans ?? []) console.log(`  ${p.id}  ${p.status.toLowerCase().padEnd(9)} ${p.title}`)
  }
  return EXIT.ok
}
