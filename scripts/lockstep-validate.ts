// `lockstep validate` on its own entry point: it loads only what a validation needs, so it starts quickly.
import { UsageError } from './cli-args'
import { validateCommand, VALIDATE_USAGE } from './validate-command'

let code: number
try {
  code = await validateCommand(process.argv.slice(3))
} catch (error) {
  // The general error formatter loads the application's configuration: only when it is needed.
  console.error(
    error instanceof UsageError
      ? `Error: ${error.message}\n\n${VALIDATE_USAGE}`
      : (await import('./cli')).formatCliError(error),
  )
  // Anything but a mistake in the command line means the validation could not be made (never "differences": 1).
  code = error instanceof UsageError ? 2 : 3
}
// Exit explicitly (tsx's runner does not keep process.exitCode), once stdout has been written out.
await new Promise<void>((done) => process.stdout.write('', () => done()))
process.exit(code)
