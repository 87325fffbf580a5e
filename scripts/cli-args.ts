// Command-line arguments, shared by the `lockstep` commands (light: nothing here loads the application).
import { readFile, stat } from 'node:fs/promises'
import { resolve } from 'node:path'

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

/** A whole number from `min` to `max`, or undefined when the option is not given. */
export const count = (value: string | undefined, name: string, min: number, max: number) => {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${name} takes a whole number from ${min} to ${max}.`)
  return n
}

/** A comma-separated list of names (`--tables a,b`). */
export const names = (value: string | undefined) =>
  value
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean)

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

export const isPostgresUrl = (value: string) => /^postgres(ql)?:\/\//i.test(value)

/** Opens the SQLite file `file` with `open` and reads it once with `probe`, so that a missing file or one that is
 * not a database fails here, with a message that says so. */
export async function openSqliteFile<T extends { close(): Promise<void> }>(
  file: string,
  open: (path: string) => T | Promise<T>,
  probe: (opened: T) => Promise<unknown>,
): Promise<{ opened: T; path: string }> {
  const path = resolve(file)
  const info = await stat(path).catch(() => null)
  if (!info?.isFile()) throw new Error(`Cannot read ${file}: no such file.`)
  let opened: T | null = null
  try {
    opened = await open(path)
    await probe(opened) // reads the header: fails now on a file that is not a database
    return { opened, path }
  } catch (error) {
    await opened?.close().catch(() => undefined)
    const code = (error as { code?: string }).code
    throw new Error(
      code === 'SQLITE_NOTADB'
        ? `${file} is not a SQLite database.`
        : `SQLite could not read ${file}: ${(error as Error).message}`,
    )
  }
}

/**
 * `--mapping FILE.json`: a copy's mapping (docs/mapping.md), read and checked; a file that is not JSON, or a rule
 * that is wrong, is a usage error naming the file and the rule.
 */
export async function mappingOption(args: string[]) {
  const file = option(args, '--mapping')
  if (file === undefined) return undefined
  const text = await readFile(resolve(file), 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      `--mapping ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'a directory, not a file' : error.message}.`,
    )
  })
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`--mapping ${file} is not JSON: ${(error as Error).message}.`)
  }
  const { checkMapping } = await import('@/lib/domain/mapping')
  const { mapping, problems } = checkMapping(json)
  if (problems.length)
    throw new UsageError(
      `--mapping ${file}: ${problems.length === 1 ? 'a rule is' : `${problems.length} rules are`} wrong:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
    )
  return mapping
}
