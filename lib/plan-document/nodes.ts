import type { Code, List, ListItem, Nodes, Paragraph, PhrasingContent, Root, RootContent, Table } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown, gfmToMarkdown } from 'mdast-util-gfm'
import { toMarkdown } from 'mdast-util-to-markdown'
import { toString } from 'mdast-util-to-string'
import { gfm } from 'micromark-extension-gfm'
import { inertMarkdown } from './inert-markdown'
import { cleanName } from './text'

// Reading the Markdown syntax tree of a plan document: text, lines, list entries, scripts and tables.

export const lineOf = (node: Nodes | null | undefined): number | null => node?.position?.start.line ?? null

// Markdown the plan keeps (summaries, states, notes) is inert: raw HTML and links to scripts as text, in the
// spelling the exporter writes, so an exported plan reads back the same.
export const markdown = (nodes: RootContent[]) =>
  toMarkdown({ type: 'root', children: inertMarkdown(nodes) } as Root, {
    extensions: [gfmToMarkdown()],
    bullet: '-',
  }).trim()

export const plain = (node: Nodes) => toString(node).replace(/\s+/g, ' ').trim()

/** A paragraph's text with its hard line breaks kept as newlines. */
export function lines(node: Nodes): string[] {
  const walk = (n: Nodes): string =>
    n.type === 'break'
      ? '\n'
      : 'children' in n
        ? n.children.map((c) => walk(c as Nodes)).join('')
        : 'value' in n
          ? n.value
          : ''
  return walk(node).split('\n')
}

/** The words of a list item before any nested list or block. */
export function leadOf(item: ListItem): string {
  return item.children
    .filter((child) => child.type === 'paragraph' || child.type === 'heading')
    .map(plain)
    .join(' ')
    .trim()
}

/** Numbered comments in a script ("# 1. Install dependencies", "-- 2) Copy"), with the lines each introduces. */
export function numberedComments(code: string): { text: string; body: string }[] {
  const lines = code.split('\n')
  const marks: { index: number; text: string }[] = []
  lines.forEach((line, index) => {
    const match = /^\s*(?:#|--|\/\/)\s*(?:step\s*)?\d+[.)]\s+(.+?)\s*$/i.exec(line)
    if (match?.[1]) marks.push({ index, text: match[1] })
  })
  return marks.map((mark, i) => ({
    text: mark.text,
    body: lines
      .slice(mark.index, marks[i + 1]?.index ?? lines.length)
      .join('\n')
      .trim(),
  }))
}

export function stepName(code: Code, label: string | null, fallback: string): string {
  const comment = /^\s*(?:--|#(?!!)|\/\/)\s*(.+?)\s*$/.exec(code.value.split('\n').find((l) => l.trim()) ?? '')?.[1]
  const firstComment = comment && !/^(?:step\s*)?\d+[.)]\s/i.test(comment) ? comment : undefined
  const name = label ?? firstComment ?? `${fallback}${code.lang ? ` (${code.lang})` : ''}`
  return cleanName(name).slice(0, 200) || 'Script'
}

export const isSql = (code: Code) => /^(sql|pgsql|postgres(ql)?|plpgsql|psql)$/i.test(code.lang ?? '')

/** A list most of whose entries are tasks (`- [ ]`, `- [x]`). */
export const isTaskList = (list: List) =>
  list.children.length > 0 &&
  list.children.filter((i) => typeof i.checked === 'boolean').length * 2 >= list.children.length

/** Entries that name phases ("Phase 2 – Load", "Week 1"), whatever else they say. */
export const phaseWordsIn = (list: List) =>
  list.children.filter((item) => /\b(phase|stage|wave)\b|^(week|day|sprint)\s*\d/i.test(leadOf(item))).length

export const LEADING_EMOJI = /^(?:[\p{Extended_Pictographic}\uFE0F\u200D]+\s+)+/u

export const DONE_WORD = /^(done|complete|completed|finished|yes|x|✅|✔️?|☑️?|\[x\])$/i
export const NOT_DONE_WORD = /^(todo|to do|pending|open|not started|in progress|no|-|☐|⬜|\[ \])$/i

export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The last entry of a list, at the deepest level. */
export function lastLeaf(list: List): ListItem | undefined {
  const last = list.children.at(-1)
  const nested = last?.children.filter((c): c is List => c.type === 'list').at(-1)
  return nested ? lastLeaf(nested) : last
}

/** Table rows as text; a bare number takes its column's name ("Week" + "1" → "Week 1"). */
export function tableRows(table: Table): string[] {
  const [header, ...rows] = table.children
  const headers = (header?.children ?? []).map(plain)
  return rows.map((row) =>
    row.children
      .map((cell, i) => {
        const text = plain(cell)
        return /^\d+([–-]\d+)?$/.test(text) && headers[i] ? `${headers[i]} ${text}` : text
      })
      .filter(Boolean)
      .join(' – '),
  )
}

/** The blocks of a fenced Markdown block, placed on the document's lines; null when it holds headings (which would reshape the plan) or no list. */
export function fencedMarkdown(code: Code): RootContent[] | null {
  const nodes = fromMarkdown(code.value, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }).children
  if (nodes.some((n) => n.type === 'heading') || !nodes.some((n) => n.type === 'list')) return null
  const offset = lineOf(code) ?? 0
  const shift = (node: Nodes) => {
    if (node.position)
      node.position = {
        start: { ...node.position.start, line: node.position.start.line + offset },
        end: { ...node.position.end, line: node.position.end.line + offset },
      }
    if ('children' in node) for (const child of node.children) shift(child)
  }
  for (const node of nodes) shift(node)
  return nodes
}

/** The words of a paragraph that is nothing but bold text (and perhaps a colon), or null. */
export function boldLine(paragraph: Paragraph): PhrasingContent[] | null {
  const [first, ...rest] = paragraph.children
  if (first?.type !== 'strong' || rest.some((c) => c.type !== 'text' || !/^\s*:?\s*$/.test(c.value))) return null
  return first.children
}

/** Markdown in one spelling (as the formatter writes it), so a summary reads back exactly. */
export const canonical = (text: string) =>
  text.trim()
    ? markdown(fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }).children)
    : ''
