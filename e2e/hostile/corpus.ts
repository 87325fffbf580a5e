import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

// Hostile inputs, each with the refusal it must get (e2e/hostile-input.spec.ts). Small ones are files in this
// folder, byte for byte as they would arrive; large ones are generated at run time rather than kept in git.

const file = (name: string) => readFileSync(join(process.cwd(), 'e2e/hostile', name))

/** Scripts PostgreSQL's parser refuses: a step holding one could never run. */
export const BROKEN_SQL = ['unterminated-dollar-quote.sql', 'unterminated-string.sql', 'dollar-tag-mismatch.sql'].map(
  (name) => ({ name, sql: file(name).toString('utf8') }),
)

export { MARKDOWN_BOMBS } from '@/lib/plan-document/fixtures/markdown-bombs'

/** Files offered as plan documents that are not one. */
export const NOT_DOCUMENTS = [
  {
    name: 'image-named-plan.md',
    bytes: () => file('image-named-plan.md'),
    message: 'This file is binary, not a Markdown document.',
  },
]

/** A 50 MB upload: Lockstep reads at most 3 MB per request. */
export const HUGE_UPLOAD = {
  name: 'fifty-megabytes.md',
  bytes: () => Buffer.alloc(50 * 1024 * 1024, '# Plan\n\n- [ ] a checklist item\n'),
}

/** Files offered as SQLite sources that are not SQLite databases: plain text, and SQLite's header over garbage. */
export const NOT_SQLITE = [
  { name: 'not-sqlite.db', bytes: () => file('not-sqlite.db') },
  {
    name: 'torn-sqlite.db',
    bytes: () => Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), randomBytes(8_176)]),
  },
]

/** Names that read differently from what they are (escapes in the JSON keep them visible in review). */
export const TRICK_NAMES = (
  JSON.parse(file('names.json').toString('utf8')) as { names: { label: string; value: string }[] }
).names
