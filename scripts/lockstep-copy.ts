// `lockstep copy` on its own entry point: it loads only what a copy needs, so it starts quickly.
import { UsageError } from './cli-args'
import { copyCommand, COPY_USAGE } from './copy-command'

let code: number
try {
  code = await copyCommand(process.argv.slice(3))
} catch (error) {
  // The general error formatter loads the application's configuration: only when it is needed.
  console.error(
    error instanceof UsageError
      ? `Error: ${error.message}\n\n${COPY_USAGE}`
      : (await import('./cli')).formatCliError(error),
  )
  code = error instanceof UsageError ? 2 : 1
}
// Exit explicitly (tsx's runner does not keep process.exitCode), once stdout has been written out.
await new Promise<void>((done) => process.stdout.write('', () => done()))
process.exit(code)
