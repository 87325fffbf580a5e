// The command lines of `lockstep remote …`, read into plain objects (no network, no files): what each command was
// asked to do. Where Lockstep is comes from --url or LOCKSTEP_URL; the token only from LOCKSTEP_TOKEN or
// --token-file, so that it never appears in a process list or a CI log.
import { createHash, randomUUID } from 'node:crypto'
import { count, flag, option, UsageError } from '../cli-args'

export type PushArgs = { plan: string; phase: string; dir: string; allowAppliedChange: boolean; dryRun: boolean }
export type RunArgs = {
  plan: string
  phase: string
  env: string
  dryRun: boolean
  wait: boolean
  timeoutSeconds: number | undefined
  idempotencyKey: string | undefined
}
export type StatusArgs = { plan: string | undefined }
export type Connection = { url: string | undefined; tokenFile: string | undefined }

/** --url and --token-file; a token given as a flag is refused without repeating it. */
export function connectionArgs(args: string[]): Connection {
  const given = args.find((a) => a === '--token' || a.startsWith('--token='))
  if (given)
    throw new UsageError(
      'A token is never given on the command line (process lists and CI logs would show it): set LOCKSTEP_TOKEN or use --token-file FILE.',
    )
  return { url: option(args, '--url'), tokenFile: option(args, '--token-file') }
}

/** Lockstep's address as given (with or without a trailing /api/v1): http or https only. */
export function baseUrlOf(value: string | undefined): URL {
  if (!value) throw new UsageError("Name Lockstep's address: --url https://lockstep.example.com or LOCKSTEP_URL.")
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`--url (LOCKSTEP_URL) must be an http:// or https:// address, not “${value.slice(0, 80)}”.`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--url (LOCKSTEP_URL) must be an http:// or https:// address, not ${url.protocol}.`)
  if (url.username || url.password)
    throw new UsageError('--url (LOCKSTEP_URL) must not carry a user name or password: the token is the credential.')
  url.pathname = url.pathname.replace(/\/api\/v1\/?$/, '').replace(/\/?$/, '/')
  url.search = ''
  url.hash = ''
  return url
}

/** The token read from a file or the environment, checked to be something an HTTP header can carry. */
export function tokenOf(fileText: string | undefined, envToken: string | undefined, file?: string): string {
  const token = (fileText ?? envToken ?? '').trim()
  const source = file ? `--token-file ${file}` : 'LOCKSTEP_TOKEN'
  if (!token)
    throw new UsageError(
      file
        ? `${source} is empty.`
        : 'No token: set LOCKSTEP_TOKEN or use --token-file FILE (create one under Account → API tokens).',
    )
  if (!/^[\x21-\x7e]+$/.test(token))
    throw new UsageError(`The token in ${source} has spaces or characters a token never has.`)
  return token
}

function required(args: string[], name: string, usage: string): string {
  const value = option(args, name)
  if (!value) throw new UsageError(`${name} is required.\n${usage}`)
  return value
}

function noneLeft(args: string[], usage: string) {
  if (args.length) throw new UsageError(`Unexpected: ${args.join(' ')}\n${usage}`)
}

export const PUSH_USAGE =
  'Usage: lockstep remote push --plan PLAN --phase PHASE --dir DIR [--allow-applied-change] [--dry-run] [--json]'
export const RUN_USAGE =
  'Usage: lockstep remote run --plan PLAN --phase PHASE --env ENVIRONMENT [--dry-run] [--wait] [--timeout SECONDS] [--idempotency-key KEY] [--json]'
export const STATUS_USAGE = 'Usage: lockstep remote status [--plan PLAN] [--json]'

export function pushArgs(args: string[]): PushArgs {
  const plan = required(args, '--plan', PUSH_USAGE)
  const phase = required(args, '--phase', PUSH_USAGE)
  const dir = required(args, '--dir', PUSH_USAGE)
  const allowAppliedChange = flag(args, '--allow-applied-change')
  const dryRun = flag(args, '--dry-run')
  noneLeft(args, PUSH_USAGE)
  return { plan, phase, dir, allowAppliedChange, dryRun }
}

export function runArgs(args: string[]): RunArgs {
  const plan = required(args, '--plan', RUN_USAGE)
  const phase = required(args, '--phase', RUN_USAGE)
  const env = required(args, '--env', RUN_USAGE)
  const dryRun = flag(args, '--dry-run')
  const wait = flag(args, '--wait')
  const timeoutSeconds = count(option(args, '--timeout'), '--timeout', 1, 7 * 24 * 3600)
  const idempotencyKey = option(args, '--idempotency-key')
  if (timeoutSeconds !== undefined && !wait) throw new UsageError(`--timeout goes with --wait.\n${RUN_USAGE}`)
  if (idempotencyKey !== undefined && idempotencyKey.length > 150)
    throw new UsageError('--idempotency-key takes at most 150 characters.')
  noneLeft(args, RUN_USAGE)
  return { plan, phase, env, dryRun, wait, timeoutSeconds, idempotencyKey }
}

export function statusArgs(args: string[]): StatusArgs {
  const plan = option(args, '--plan')
  noneLeft(args, STATUS_USAGE)
  return { plan }
}

/**
 * The Idempotency-Key of a run start. A key given by the pipeline (its run id) is joined with a digest of what is
 * started, so one key serves several starts in a job (staging, then production) and a retry of the same start
 * finds its run again; without one, a key per invocation still makes this command's own retries safe.
 */
export function idempotencyKeyOf(given: string | undefined, start: Record<string, unknown>): string {
  if (!given) return `lockstep-cli-${randomUUID()}`
  const digest = createHash('sha256').update(JSON.stringify(start)).digest('hex').slice(0, 16)
  return `${given}-${digest}`
}
