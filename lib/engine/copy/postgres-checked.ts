import { StringDecoder } from 'node:string_decoder'
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import type pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import type { RejectedRow } from './model'
import type { PgType } from './sqlite-types'
import { encoderFor, isRejected, NULL_FIELD, type Encoder } from './values'

// A PostgreSQL source's rows whose values a mapping changes (a transform, or a type of its own): PostgreSQL
// computes the values as it reads (COPY TO, text format), and each changed value is checked against its target
// type here, as SQLite values are, so that a misfit is a rejected row naming the transform instead of a chunk
// the target refuses. The other values pass through as PostgreSQL printed them.

/** A column of the chunk: `checked` when the mapping changes its values (`transform`: how, for the reason). */
export type CheckedColumn = { name: string; type: PgType; checked: boolean; transform?: string; notNull?: string }

const PIECE_CHARS = 64 * 1024

/** A field of COPY's text format as the value it stands for (null for \N). */
function decodeField(field: string): string | null {
  if (field === NULL_FIELD) return null
  if (!field.includes('\\')) return field
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16))
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8))
    return e === 'n'
      ? '\n'
      : e === 't'
        ? '\t'
        : e === 'r'
          ? '\r'
          : e === 'b'
            ? '\b'
            : e === 'f'
              ? '\f'
              : e === 'v'
                ? '\v'
                : e
  })
}

/**
 * Reads `select` (its first `keyWidth` fields: the row's key as text, to name a rejected row) with COPY TO and
 * writes the rows that fit into `sink` (COPY FROM text), with backpressure; the rows read, written and rejected.
 */
export async function copyChecked(
  client: pg.Client,
  select: string,
  options: { table: string; keyWidth: number; columns: readonly CheckedColumn[]; sink: Writable },
): Promise<{ read: number; written: number; rejects: RejectedRow[] }> {
  const { table, keyWidth, columns, sink } = options
  const encoders: (Encoder | null)[] = columns.map((c) =>
    c.checked ? encoderFor(c.type, { notNull: c.notNull }) : null,
  )
  const because = columns.map((c) => (c.transform ? ` – the value the transform ${c.transform} gave` : ''))
  const rejects: RejectedRow[] = []
  let read = 0
  let written = 0
  let out = ''
  const line = (text: string) => {
    read++
    const fields = text.split('\t')
    const key = fields.slice(0, keyWidth).map(decodeField)
    let row = ''
    let bad = false
    for (let i = 0; i < columns.length; i++) {
      const field = fields[keyWidth + i] ?? NULL_FIELD
      const encoder = encoders[i]
      let value = field
      if (encoder) {
        const decoded = decodeField(field)
        const encoded = encoder(decoded)
        if (isRejected(encoded)) {
          bad = true
          rejects.push({
            table,
            key: key.length === 1 ? String(key[0]) : `(${key.join(', ')})`,
            column: columns[i]?.name ?? '',
            reason: encoded.reject + because[i],
            value: decoded === null ? null : decoded.slice(0, 200),
          })
          continue
        }
        value = encoded
      }
      row += i === 0 ? value : `\t${value}`
    }
    if (bad) return
    written++
    out += `${row}\n`
  }
  const source = client.query(copyTo(`COPY (${select}) TO STDOUT (FORMAT text)`))
  const decoder = new StringDecoder('utf8')
  let rest = ''
  for await (const chunk of source as AsyncIterable<Buffer>) {
    const text = rest + decoder.write(chunk)
    let start = 0
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      line(text.slice(start, end))
      start = end + 1
    }
    rest = text.slice(start)
    if (out.length >= PIECE_CHARS) {
      const piece = out
      out = ''
      if (!sink.write(piece)) await once(sink, 'drain')
    }
  }
  rest += decoder.end()
  if (rest) line(rest)
  if (out && !sink.write(out)) await once(sink, 'drain')
  await finished(source).catch(() => undefined)
  return { read, written, rejects }
}
