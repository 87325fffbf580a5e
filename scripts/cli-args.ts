// Command-line arguments, shared by the `lockstep` commands (light: nothing here loads the application).

/** A mistake in the command line: printed with the usage. */
export class UsageError extends Error {}

export function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name)
  if (i < 0) return undefined
  const value = args[i + 1]
  if (!value || value.startsWith('--')) throw new UsageError(`${name} needs a value.`)
  args.splice(i, 2)
  return value
}

export function flag(args: string[], name: string): boolean {
  const i = args.indexOf(name)
  if (i >= 0) args.splice(i, 1)
  return i >= 0
}

export const milliseconds = (value: string | undefined, name: string) => {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} takes a whole number of milliseconds.`)
  return n
}

/** A postgresql:// URL given on the command line, as a target. */
export async function targetOption(url: string, name: string) {
  const { postgresTargetFromUrl } = await import('@/lib/targets/postgres')
  try {
    return postgresTargetFromUrl(url)
  } catch {
    throw new UsageError(`${name} must be a postgresql://user:password@host:port/database URL.`)
  }
}
