// `lockstep remote …`: the commands a CI pipeline runs against a Lockstep server through its /api/v1 – push a
// migration folder into a phase, start a run and follow it, show who the token is. Every failure is one line on
// standard error and an exit code the pipeline can act on (EXIT in scripts/remote/run.ts).
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { UsageError } from './cli-args'
import { ApiProblem, type RemoteConfig } from './remote/http'
import { baseUrlOf, connectionArgs, tokenOf } from './remote/options'
import { ScriptRefused } from './remote/push'
import { EXIT } from './remote/run'

export const REMOTE_USAGE = `Usage: lockstep remote <command> [--url URL] [--token-file FILE]

  lockstep remote push --plan PLAN --phase PHASE --dir DIR [--allow-applied-change] [--dry-run] [--json]
  lockstep remote run --plan PLAN --phase PHASE --env ENVIRONMENT [--dry-run] [--wait] [--timeout SECONDS]
                      [--idempotency-key KEY] [--json]
  lockstep remote status [--plan PLAN] [--json]

PLAN, PHASE and ENVIRONMENT are ids or exact titles and names. Lockstep's address is --url or LOCKSTEP_URL; the
API token is LOCKSTEP_TOKEN or the first line of --token-file FILE (never a flag: it would show in process lists).
Exit codes: 0 done (the run succeeded), 1 the run failed, was cancelled or rolled back, 2 usage, 3 refused by
Lockstep (token, permission, not found, conflict, invalid; the reason on standard error), 4 push: something in DIR
is not pushed / run --wait: the run waits at a manual gate, 5 --timeout passed, 6 Lockstep unreachable or failing.`

async function connect(args: string[]): Promise<RemoteConfig> {
  const { remoteEnv } = await import('@/lib/env')
  const env = remoteEnv()
  const { url, tokenFile } = connectionArgs(args)
  const baseUrl = baseUrlOf(url ?? env.LOCKSTEP_URL)
  const fileText =
    tokenFile === undefined
      ? undefined
      : await readFile(resolve(tokenFile), 'utf8').catch((error: NodeJS.ErrnoException) => {
          throw new UsageError(
            `--token-file ${tokenFile}: ${error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'a directory' : (error.code ?? 'unreadable')}.`,
          )
        })
  return { baseUrl, token: tokenOf(fileText?.split('\n')[0], env.LOCKSTEP_TOKEN, tokenFile) }
}

/** Runs one `lockstep remote` command; its exit code. Nothing here throws: every error is printed as one line. */
export async function remoteCommand(argv: string[]): Promise<number> {
  const [command, ...args] = argv
  const json = args.includes('--json')
  try {
    if (!command || command === 'help' || command === '--help' || command === '-h') {
      console.log(REMOTE_USAGE)
      return command ? EXIT.ok : EXIT.usage
    }
    const { pushCommand, runCommand, statusCommand } = await import('./remote/commands')
    const handler = { push: pushCommand, run: runCommand, status: statusCommand }[command]
    if (!handler) throw new UsageError(`Unknown command: remote ${command}`)
    const config = await connect(args)
    return await handler(
      config,
      args.filter((a) => a !== '--json'),
      json,
    )
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`Error: ${error.message}\n\n${REMOTE_USAGE}`)
      return EXIT.usage
    }
    const refused = error instanceof ApiProblem || error instanceof ScriptRefused
    const message = refused ? `Refused: ${error.message}` : `Error: ${oneLine(error)}`
    if (json) console.log(JSON.stringify({ error: message }, null, 2))
    console.error(message)
    // Anything else (ServerUnavailable included) means the command could not be carried out: never "the run
    // failed" (1), which a pipeline may treat differently.
    return refused ? EXIT.refused : EXIT.unavailable
  }
}

const oneLine = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split('\n').filter(Boolean).slice(0, 2).join(' – ')
