import type { Code, Heading, Root, RootContent } from 'mdast'
import { isSchedule } from './mermaid'
import { boldLine, fencedMarkdown, isTaskList, lineOf, plain } from './nodes'
import { classify, type Section } from './sections'
import { cleanName, keyOf } from './text'

// The document as a tree of sections by its headings – also by the bold lines that work as headings – with the
// content beneath each. Charts (Mermaid gantt and timeline) are handed to `schedule` wherever they stand.

export function headingTree(tree: Root, schedule: (code: Code) => void): Section {
  const root: Section = { heading: null, title: '', key: '', line: null, nodes: [], children: [] }
  const stack: { depth: number; section: Section }[] = [{ depth: 0, section: root }]
  let headingDepth = 0
  for (const [index, original] of tree.children.entries()) {
    if (original.type === 'code' && isSchedule(original)) {
      schedule(original)
      continue
    }
    // A checklist or a list of phases written inside a ```markdown fence (a template to copy) is read as the
    // Markdown it is; other fenced Markdown (a risk written as "Risk: …" lines) stays a script, kept as a note.
    const fenced =
      original.type === 'code' && /^(markdown|md)$/i.test(original.lang ?? '') ? fencedMarkdown(original) : null
    const phaseTitled = (nodes: RootContent[]) =>
      nodes.some(
        (n, i) => n.type === 'paragraph' && classify(keyOf(plain(n))) === 'phase' && nodes[i + 1]?.type === 'list',
      )
    if (fenced && (fenced.some((n) => n.type === 'list' && isTaskList(n)) || phaseTitled(fenced))) {
      stack.at(-1)?.section.nodes.push(...fenced)
      continue
    }
    // A line that is only bold text ("**Rollback triggers:**") right before a list, table or script
    // works as a heading one level below the last real one.
    const next = tree.children[index + 1]?.type
    const pseudo =
      headingDepth > 0 && original.type === 'paragraph' && ['list', 'table', 'code'].includes(next ?? '')
        ? boldLine(original)
        : null
    const node: RootContent = pseudo
      ? {
          type: 'heading',
          depth: Math.min(headingDepth + 1, 6) as Heading['depth'],
          children: pseudo,
          position: original.position,
        }
      : original
    if (node.type === 'heading' && !pseudo) headingDepth = node.depth
    if (node.type === 'heading') {
      while ((stack.at(-1)?.depth ?? 0) >= node.depth) stack.pop()
      const title = cleanName(plain(node)) || plain(node)
      const section: Section = { heading: node, title, key: keyOf(title), line: lineOf(node), nodes: [], children: [] }
      stack.at(-1)?.section.children.push(section)
      stack.push({ depth: node.depth, section })
    } else stack.at(-1)?.section.nodes.push(node)
  }

  return root
}
