import { escapeLiteral } from 'pg'
import { tokenize, type Token } from './sqlite-sql'
import type { PgType } from './sqlite-types'
import { encoderFor, isRejected } from './values'

// A SQLite column default as a PostgreSQL default of the column's new type – or the reason it has none.
// SQLite keeps any default whatever the column's type (DATETIME DEFAULT 0, INTEGER DEFAULT '"0"'); a
// literal is kept only when its value fits the type as a copied value would (the same checks), and the
// clock functions become PostgreSQL's clock, read in UTC as SQLite's are.

export type TranslatedDefault = { sql: string } | { reason: string }

const DATETIME_KINDS = new Set(['timestamptz', 'timestamp'])
const NUMBER_KINDS = new Set(['smallint', 'integer', 'bigint', 'numeric', 'double'])
const UTC_NOW = `(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')`

/** COPY text back to the value it stands for (the encoders write COPY text). */
const unescapeCopy = (field: string) =>
  field.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c))

const CLOCK_FUNCTIONS = new Set(['datetime', 'date', 'time', 'strftime', 'unixepoch', 'julianday'])

type Clock = { kind: 'datetime' | 'date' | 'time' | 'epoch'; format?: string }

// strftime() conversions → to_char() patterns (SQLite's clock is UTC).
const STRFTIME: Record<string, string> = {
  Y: 'YYYY',
  m: 'MM',
  d: 'DD',
  H: 'HH24',
  M: 'MI',
  S: 'SS',
  f: 'SS.MS',
  j: 'DDD',
}

/** to_char() pattern for a strftime() format, or null when it uses a conversion without one. */
function toCharPattern(format: string): string | null {
  let out = ''
  let literal = ''
  const flush = () => {
    // Letters would read as patterns: quoted; separators stand for themselves.
    if (literal) out += /[a-z]/i.test(literal) ? `"${literal}"` : literal
    literal = ''
  }
  for (let i = 0; i < format.length; i++) {
    const c = format[i] as string
    if (c !== '%') {
      literal += c
      continue
    }
    const conversion = format[++i] ?? ''
    if (conversion === '%') {
      literal += '%'
      continue
    }
    const pattern = STRFTIME[conversion]
    if (!pattern) return null
    flush()
    out += pattern
  }
  flush()
  return out
}

/** The clock a default reads: CURRENT_TIMESTAMP and friends, datetime('now'), strftime(…, 'now'), unixepoch(). */
function clockOf(tokens: readonly Token[]): Clock | { reason: string } | null {
  const [first, second] = tokens
  if (!first || first.kind !== 'word') return null
  const name = first.text.toLowerCase()
  if (tokens.length === 1) {
    if (name === 'current_timestamp') return { kind: 'datetime', format: '%Y-%m-%d %H:%M:%S' }
    if (name === 'current_date') return { kind: 'date', format: '%Y-%m-%d' }
    if (name === 'current_time') return { kind: 'time', format: '%H:%M:%S' }
    return null
  }
  if (second?.kind !== 'open' || tokens.at(-1)?.kind !== 'close' || !CLOCK_FUNCTIONS.has(name)) return null
  const args = tokens.slice(2, -1).filter((t) => t.kind !== 'comma')
  if (args.some((t) => t.kind !== 'string')) return { reason: 'is an expression PostgreSQL has no equivalent for' }
  const texts = args.map((t) => t.text.toLowerCase())
  const [format = '', ...rest] = name === 'strftime' ? args.map((t) => t.text) : ['']
  const modifiers = name === 'strftime' ? rest.map((r) => r.toLowerCase()) : texts
  if (name !== 'unixepoch' && modifiers[0] !== 'now')
    return { reason: 'does not read the clock (only “now” defaults are translated)' }
  const extra = modifiers.slice(name === 'unixepoch' && modifiers[0] !== 'now' ? 0 : 1).filter((m) => m !== 'utc')
  if (extra.length)
    return {
      reason: `shifts the clock (${extra.map((m) => `'${m}'`).join(', ')}) – the SQLite server's local time has no fixed PostgreSQL meaning`,
    }
  if (name === 'datetime') return { kind: 'datetime', format: '%Y-%m-%d %H:%M:%S' }
  if (name === 'date') return { kind: 'date', format: '%Y-%m-%d' }
  if (name === 'time') return { kind: 'time', format: '%H:%M:%S' }
  if (name === 'unixepoch') return { kind: 'epoch' }
  if (name === 'strftime') {
    if (format === '%s') return { kind: 'epoch' }
    const has = (c: string) => format.includes(`%${c}`)
    const kind =
      has('Y') && has('m') && has('d')
        ? has('H') && has('M')
          ? 'datetime'
          : 'date'
        : has('H') && has('M')
          ? 'time'
          : null
    return kind ? { kind, format } : { reason: `formats the clock as ${format}, which is not a date or time` }
  }
  return { reason: `uses SQLite's ${name}(), which PostgreSQL does not have` }
}

function clockDefault(clock: Clock, type: PgType): string | null {
  if (clock.kind === 'epoch') {
    if (NUMBER_KINDS.has(type.kind)) return `floor(extract(epoch FROM CURRENT_TIMESTAMP))::bigint`
    if (DATETIME_KINDS.has(type.kind)) return 'CURRENT_TIMESTAMP'
    return null
  }
  if (type.kind === 'timestamptz')
    return clock.kind === 'datetime'
      ? 'CURRENT_TIMESTAMP'
      : clock.kind === 'date'
        ? `(date_trunc('day', ${UTC_NOW}) AT TIME ZONE 'UTC')`
        : null
  if (type.kind === 'timestamp')
    return clock.kind === 'datetime' ? UTC_NOW : clock.kind === 'date' ? `date_trunc('day', ${UTC_NOW})` : null
  if (type.kind === 'date') return clock.kind === 'time' ? null : `${UTC_NOW}::date`
  if (type.kind === 'time') return clock.kind === 'datetime' || clock.kind === 'time' ? `${UTC_NOW}::time(0)` : null
  if (type.kind === 'text' || type.kind === 'varchar') {
    const pattern = toCharPattern(clock.format ?? '')
    return pattern ? `to_char(${UTC_NOW}, ${escapeLiteral(pattern).trim()})` : null
  }
  return null
}

/** The value of a literal default: a number, a string, a blob, or null when the default is not a literal. */
function literalOf(tokens: readonly Token[]): { value: unknown } | null {
  if (
    tokens.length === 2 &&
    tokens[0]?.kind === 'op' &&
    (tokens[0].text === '-' || tokens[0].text === '+') &&
    tokens[1]?.kind === 'number'
  ) {
    return { value: `${tokens[0].text === '-' ? '-' : ''}${tokens[1].text}` }
  }
  if (tokens.length !== 1) return null
  const [t] = tokens as [Token]
  if (t.kind === 'number') return { value: /^0x/i.test(t.text) ? BigInt(t.text).toString() : t.text }
  if (t.kind === 'string' || t.kind === 'ident') return { value: t.text } // "…" is a string where no column has that name
  if (t.kind === 'blob') return /^([0-9a-f]{2})*$/i.test(t.text) ? { value: Buffer.from(t.text, 'hex') } : null
  if (t.kind === 'word' && /^(true|false)$/i.test(t.text)) return { value: t.text.toLowerCase() === 'true' ? '1' : '0' }
  return null
}

/** The PostgreSQL default for SQLite's default text `raw` on a column of `type`, or why there is none. */
export function translateDefault(raw: string, type: PgType): TranslatedDefault {
  let tokens: Token[]
  try {
    tokens = tokenize(raw)
  } catch {
    return { reason: 'cannot be read' }
  }
  while (tokens[0]?.kind === 'open' && tokens.at(-1)?.kind === 'close' && tokens.length > 2)
    tokens = tokens.slice(1, -1)
  if (tokens.length === 1 && tokens[0]?.kind === 'word' && /^null$/i.test(tokens[0].text)) return { sql: 'NULL' }
  const clock = clockOf(tokens)
  if (clock && 'reason' in clock) return clock
  if (clock) {
    const sql = clockDefault(clock, type)
    return sql ? { sql } : { reason: `reads the clock, which does not fit a ${type.sql} column` }
  }
  const literal = literalOf(tokens)
  if (!literal) return { reason: 'is an expression PostgreSQL has no equivalent for' }
  const isNumber =
    typeof literal.value === 'string' &&
    /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(literal.value) &&
    tokens.at(-1)?.kind === 'number'
  // A number in a datetime column could be epoch seconds, milliseconds or a “no date” marker: not guessed.
  if (isNumber && (DATETIME_KINDS.has(type.kind) || type.kind === 'date' || type.kind === 'time'))
    return { reason: `is a number, which is not a ${type.sql} value` }
  const field = encoderFor(type)(literal.value)
  if (isRejected(field)) return { reason: `does not fit: ${field.reject}` }
  const value = unescapeCopy(field)
  return { sql: isNumber && NUMBER_KINDS.has(type.kind) ? value : escapeLiteral(value).trim() }
}
