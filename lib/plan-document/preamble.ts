import type { RootContent } from 'mdast'
import { isSql, lineOf, lines, markdown } from './nodes'
import type { DocumentReader } from './reader'

// The text between a document's title and its first section: where it migrates from and to, and a summary.

const PREAMBLE_CURRENT = /\b(?:current|source|from)\s*:\s*(.+?)(?:\s*(?:→|->|=>|\bto\b)\s*|$)/i
const PREAMBLE_TARGET = /\b(?:target|destination|to)\s*:\s*(.+)$/i

/** Text between the title and the first section: "**Current**: SQLite → **Target**: PostgreSQL", a summary. */
export function readPreamble(parser: DocumentReader, nodes: RootContent[]) {
  const summary: string[] = []
  for (const node of nodes) {
    if (node.type !== 'paragraph') {
      // Lists, quotes and tables of the introduction are part of the summary, as Markdown.
      if (node.type === 'code' && isSql(node)) {
        parser.plan.steps.push(parser.step(node, null, 'Introduction'))
        parser.warn(lineOf(node), 'SQL block before the first section is not inside a phase; kept as an unplaced step.')
      } else if (node.type !== 'thematicBreak' && node.type !== 'definition') summary.push(markdown([node]))
      continue
    }
    const kept: string[] = []
    const all = lines(node)
    if (!all.some((line) => PREAMBLE_CURRENT.test(line) || PREAMBLE_TARGET.test(line))) {
      summary.push(markdown([node])) // as written, inline code and emphasis included
      continue
    }
    for (const line of all) {
      const current = PREAMBLE_CURRENT.exec(line)?.[1]
      const target = PREAMBLE_TARGET.exec(line)?.[1]
      if (current) parser.plan.currentState ||= current.trim()
      if (target) parser.plan.targetState ||= target.trim()
      if (!current && !target && line.trim()) kept.push(line.trim())
    }
    // Lines the author broke explicitly ("**Version**: 1.0  ") stay on lines of their own.
    const hardBreaks = node.children.some((c) => c.type === 'break')
    if (kept.length) summary.push(kept.join(hardBreaks ? '  \n' : '\n'))
  }
  if (summary.length) parser.plan.summary = summary.join('\n\n')
}
