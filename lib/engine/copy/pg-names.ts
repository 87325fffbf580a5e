import { createHash } from 'node:crypto'

// PostgreSQL cuts identifiers at 63 bytes (NAMEDATALEN - 1) without an error, so two SQLite names that
// differ only after the 63rd byte would become one. Such names are shortened here instead, each to a name
// of its own – its first bytes and a hash of the whole name – the same way every time, so that the copy and
// the validation of the same source agree on them.

export const PG_IDENTIFIER_BYTES = 63

const bytes = (name: string) => Buffer.byteLength(name, 'utf8')

/** The longest prefix of `name` of at most `max` bytes, never cutting a character in two. */
export function prefix(name: string, max: number): string {
  let out = ''
  for (const ch of name) {
    if (bytes(out + ch) > max) break
    out += ch
  }
  return out
}

function shortened(name: string, attempt: number): string {
  const hash = createHash('sha256')
    .update(attempt ? `${name}\u0000${attempt}` : name)
    .digest('hex')
    .slice(0, 8)
  return `${prefix(name, PG_IDENTIFIER_BYTES - hash.length - 1).replace(/_+$/, '')}_${hash}`
}

/** Each name as PostgreSQL will keep it: unchanged when it fits in 63 bytes, else shortened uniquely among `names`. */
export function pgNames(names: readonly string[]): Map<string, string> {
  const result = new Map<string, string>()
  const taken = new Set(names.filter((n) => bytes(n) <= PG_IDENTIFIER_BYTES))
  for (const name of names) {
    if (result.has(name)) continue
    if (bytes(name) <= PG_IDENTIFIER_BYTES) {
      result.set(name, name)
      continue
    }
    let attempt = 0
    let short = shortened(name, attempt)
    while (taken.has(short)) short = shortened(name, ++attempt)
    taken.add(short)
    result.set(name, short)
  }
  return result
}

/** The warning for a shortened name (`what`: "table", or "column of the table X"). */
export const shortenedWarning = (where: string, name: string, short: string) =>
  `${where}: the name “${name}” is longer than PostgreSQL's ${PG_IDENTIFIER_BYTES} bytes; created as “${short}”`

/** The name PostgreSQL gives a table's primary key when none is chosen: the table's name, cut to fit, then _pkey. */
export const primaryKeyName = (table: string) => `${prefix(table, PG_IDENTIFIER_BYTES - '_pkey'.length)}_pkey`
