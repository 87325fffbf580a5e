import { quoteIdent } from '@/lib/targets/quote'
import { pgTypeOf } from './sqlite-types'

// Reads SQLite's own SQL text (CHECK constraints, views) and rewrites an expression or a query for
// PostgreSQL: identifiers quoted with the exact spelling of the names the copy created (SQLite matches
// names case-insensitively, PostgreSQL folds unquoted ones to lower case), `==` as `=`, LIKE as ILIKE
// (SQLite's LIKE ignores ASCII case), IFNULL as coalesce, CAST types as PostgreSQL's. What has no
// PostgreSQL meaning is reported instead of being guessed.

export type Token = {
  kind: 'word' | 'ident' | 'string' | 'number' | 'blob' | 'op' | 'open' | 'close' | 'comma' | 'semi'
  text: string
}

const PUNCTUATION: Record<string, Token['kind']> = { '(': 'open', ')': 'close', ',': 'comma', ';': 'semi' }

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  const closing = (quote: string, end: string) => {
    let j = i + 1
    let text = ''
    for (;;) {
      if (j >= sql.length) throw new Error(`unterminated ${quote}…${end}`)
      const c = sql[j] as string
      if (c === end) {
        if (end !== ']' && sql[j + 1] === end) {
          text += end
          j += 2
          continue
        }
        break
      }
      text += c
      j++
    }
    i = j + 1
    return text
  }
  while (i < sql.length) {
    const c = sql[i] as string
    if (/\s/.test(c)) i++
    else if (c === '-' && sql[i + 1] === '-') i = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i)
    else if (c === '/' && sql[i + 1] === '*')
      i = sql.indexOf('*/', i + 2) < 0 ? sql.length : sql.indexOf('*/', i + 2) + 2
    else if (c === "'") tokens.push({ kind: 'string', text: closing("'", "'") })
    else if (c === '"') tokens.push({ kind: 'ident', text: closing('"', '"') })
    else if (c === '`') tokens.push({ kind: 'ident', text: closing('`', '`') })
    else if (c === '[') tokens.push({ kind: 'ident', text: closing('[', ']') })
    else if ((c === 'x' || c === 'X') && sql[i + 1] === "'") {
      i++
      tokens.push({ kind: 'blob', text: closing("'", "'") })
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(0x[0-9a-f]+|(\d+\.?\d*|\.\d+)(e[-+]?\d+)?)/i.exec(sql.slice(i))
      const text = m?.[0] ?? c
      tokens.push({ kind: 'number', text })
      i += text.length
    } else if (/[\p{L}_]/u.test(c)) {
      const m = /^[\p{L}\p{N}_$]+/u.exec(sql.slice(i))
      const text = m?.[0] ?? c
      tokens.push({ kind: 'word', text })
      i += text.length
    } else if (PUNCTUATION[c]) {
      tokens.push({ kind: PUNCTUATION[c], text: c })
      i++
    } else {
      const two = sql.slice(i, i + 2)
      const op = ['==', '!=', '<>', '<=', '>=', '||', '<<', '>>'].includes(two) ? two : c
      tokens.push({ kind: 'op', text: op })
      i += op.length
    }
  }
  return tokens
}

/** Words that are never names (also when a table or column has such a name: SQLite then needs it quoted too). */
const KEYWORDS = new Set(
  `select from where and or not null is in as on join left right inner outer cross full natural using group by order having limit offset union all distinct
   case when then else end exists between like glob regexp match escape asc desc cast collate with recursive values true false intersect except
   current_timestamp current_date current_time nulls first last isnull notnull filter over partition window rows range`.split(
    /\s+/,
  ),
)

/** Functions SQLite has and PostgreSQL has not (or means otherwise): an expression using one is not translated. */
const SQLITE_ONLY = new Set([
  'typeof',
  'julianday',
  'strftime',
  'datetime',
  'date',
  'time',
  'unixepoch',
  'total',
  'group_concat',
  'printf',
  'format',
  'instr',
  'hex',
  'unhex',
  'zeroblob',
  'randomblob',
  'likelihood',
  'likely',
  'unlikely',
  'iif',
  'char',
  'unicode',
  'quote',
  'soundex',
  'changes',
  'last_insert_rowid',
  'sqlite_version',
  'json_extract',
  'json',
  'glob',
])

export class Untranslatable extends Error {}

/**
 * Names the rewritten SQL may use, by their lower-case spelling: the PostgreSQL name to quote. A name spelt
 * differently in two places (Id and ID) keeps the first spelling met (SQLite does not tell them apart).
 */
export type NameBook = Map<string, string>

export function nameBook(names: Iterable<[string, string]>): NameBook {
  const book: NameBook = new Map()
  for (const [sqlite, pg] of names) if (!book.has(sqlite.toLowerCase())) book.set(sqlite.toLowerCase(), pg)
  return book
}

/** PostgreSQL text for SQLite tokens; throws Untranslatable with the reason. */
export function translateTokens(tokens: readonly Token[], names: NameBook): string {
  const book = new Map(names)
  // Column and table aliases (… AS Total) join the names, so every mention of them gets the same spelling.
  tokens.forEach((t, i) => {
    const before = tokens[i - 1]
    if (
      before?.kind === 'word' &&
      before.text.toLowerCase() === 'as' &&
      (t.kind === 'word' || t.kind === 'ident') &&
      !book.has(t.text.toLowerCase()) &&
      !insideCast(tokens, i)
    )
      book.set(t.text.toLowerCase(), t.text)
  })
  const out: string[] = []
  const glue: boolean[] = [] // no space before this piece
  let current = 0
  let before: Token | undefined // the last token emitted
  const emit = (...pieces: string[]) => {
    const t = tokens[current]
    glue.push(
      out.length === 0 ||
        t?.kind === 'close' ||
        t?.kind === 'comma' ||
        t?.text === '.' ||
        before?.text === '.' ||
        before?.kind === 'open' ||
        (t?.kind === 'open' &&
          before?.kind === 'word' &&
          (!KEYWORDS.has(before.text.toLowerCase()) || before.text.toLowerCase() === 'cast')),
    )
    for (const [n, piece] of pieces.entries()) {
      if (n > 0) glue.push(false)
      out.push(piece)
    }
    before = t
  }
  for (let i = 0; i < tokens.length; i++) {
    current = i
    const t = tokens[i] as Token
    const next = tokens[i + 1]
    const lower = t.text.toLowerCase()
    switch (t.kind) {
      case 'string':
        emit(`'${t.text.replace(/'/g, "''")}'`)
        break
      case 'blob':
        emit(`'\\x${t.text}'::bytea`)
        break
      case 'number':
        emit(t.text)
        break
      case 'ident':
        emit(quoteIdent(book.get(lower) ?? t.text))
        break
      case 'op':
        emit(t.text === '==' ? '=' : t.text)
        break
      case 'word': {
        if (lower === 'main' && next?.text === '.' && !book.has('main')) {
          i++ // SQLite's own schema name: the names resolve in the copy's schema instead
          break
        }
        if (next?.kind === 'open') {
          if (SQLITE_ONLY.has(lower))
            throw new Untranslatable(`uses SQLite's ${lower}(), which PostgreSQL does not have`)
          emit(lower === 'ifnull' ? 'coalesce' : t.text)
          break
        }
        if (lower === 'glob' || lower === 'regexp' || lower === 'match')
          throw new Untranslatable(`uses SQLite's ${t.text.toUpperCase()} operator`)
        if (lower === 'like') {
          emit('ILIKE')
          break
        }
        if (lower === 'as' && insideCast(tokens, i)) {
          // CAST(x AS type): the type as the copy translates a declared type.
          const words: string[] = []
          let j = i + 1
          for (let w = tokens[j]; w?.kind === 'word'; w = tokens[++j]) words.push(w.text)
          if (tokens[j]?.kind === 'open') {
            const size = parenthesised(tokens, j)
            words.push(`(${size.inner.map((s) => s.text).join('')})`)
            j = size.end
          }
          emit('AS', pgTypeOf(words.join(' ')).sql)
          i = j - 1
          break
        }
        if (KEYWORDS.has(lower)) emit(t.text)
        else emit(book.has(lower) ? quoteIdent(book.get(lower) as string) : t.text)
        break
      }
      default:
        emit(t.text)
    }
  }
  return out.map((piece, n) => (glue[n] ? piece : ` ${piece}`)).join('')
}

/** Whether the token at `index` is inside the parentheses of a CAST( … ). */
function insideCast(tokens: readonly Token[], index: number): boolean {
  let depth = 0
  for (let i = index - 1; i >= 0; i--) {
    const t = tokens[i] as Token
    if (t.kind === 'close') depth++
    else if (t.kind === 'open') {
      if (depth === 0) return tokens[i - 1]?.kind === 'word' && (tokens[i - 1] as Token).text.toLowerCase() === 'cast'
      depth--
    }
  }
  return false
}

/** The tokens from `open` (an opening parenthesis) to its closing one, both excluded, and the index after it. */
export function parenthesised(tokens: readonly Token[], open: number): { inner: Token[]; end: number } {
  let depth = 0
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i] as Token
    if (t.kind === 'open') depth++
    else if (t.kind === 'close' && --depth === 0) return { inner: tokens.slice(open + 1, i), end: i + 1 }
  }
  throw new Untranslatable('unbalanced parentheses')
}
