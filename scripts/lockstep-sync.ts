// `lockstep sync` and `lockstep cutover` on their own entry point: they load only what a sync needs.
import { UsageError } from './cli-args'
import { cutoverCommand, CUTOVER_USAGE } from './cutover-command'
import { syncCommand, SYNC_USAGE } from './sync-command'

const cutover = process.argv[2] === 'cutover'
let code: number
try {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(cutover ? CUTOVER_USAGE : SYNC_USAGE)
    process.exit(0)
  }
  code = await (cutover ? cutoverCommand : syncCommand)(process.argv.slice(3))
} catch (error) {
  const [{ SyncRefused }, { CopyRefused }] = await Promise.all([
    import('@/lib/engine/sync/model'),
    import('@/lib/engine/copy/options'),
  ])
  // A refusal is an answer, not a crash: its message alone, and exit 3 (as `lockstep copy` refuses).
  if (error instanceof SyncRefused || error instanceof CopyRefused) {
    console.error(`Refused: ${error.message}`)
    code = 3
  } else {
    console.error(
      error instanceof UsageError
        ? `Error: ${error.message}\n\n${cutover ? CUTOVER_USAGE : SYNC_USAGE}`
        : (await import('./cli')).formatCliError(error),
    )
    code = error instanceof UsageError ? 2 : 1
  }
}
// Exit explicitly (tsx's runner does not keep process.exitCode), once stdout has been written out.
await new Promise<void>((done) => process.stdout.write('', () => done()))
process.exit(code)
