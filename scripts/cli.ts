import { ConfigError } from '@/lib/env'
import { StartupError } from '@/lib/runtime/errors'

/** Runs a command-line entry point; known problems print as one or two plain lines, not a stack trace. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main()
  } catch (error) {
    console.error(formatCliError(error))
    process.exit(1)
  }
}

export function formatCliError(error: unknown): string {
  if (error instanceof StartupError) return `Error: ${error.message}${error.hint ? `\n       ${error.hint}` : ''}`
  if (error instanceof ConfigError) return `Error: invalid configuration – ${error.problems.join('; ')}`
  const message = error instanceof Error ? error.message : String(error)
  return `Error: ${message.split('\n').filter(Boolean).slice(0, 3).join(' – ')}`
}
