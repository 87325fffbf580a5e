import type { Nodes, Parents, PhrasingContent, Root, RootContent } from 'mdast'
import { toString } from 'mdast-util-to-string'

// Markdown people wrote (a summary, a note) made inert before it is written into an exported document or read
// from an imported one: whatever renders the file – a wiki, an editor's preview, a mail – shows no HTML of it
// and follows no link of it to a script. Raw HTML becomes text; a link, image or reference definition whose
// address has a scheme other than http(s), mailto, irc(s) or xmpp becomes the text it was written as. A
// serialiser (mdast-util-to-markdown) then escapes that text, so it reads back as the same text: the result is
// its own fixed point, which keeps an exported plan importable to the same structure.

const SAFE_SCHEME = /^(?:https?|mailto|ircs?|xmpp)$/i

/** An address without a scheme (relative, a fragment) or with a safe one; never javascript:, data:, vbscript:… */
export function isSafeUrl(url: string): boolean {
  const colon = url.indexOf(':')
  if (colon === -1) return true
  // A colon after the first /, ? or # belongs to the path or query of a relative address, not to a scheme.
  const firstDelimiter = Math.min(...['/', '?', '#'].map((c) => url.indexOf(c)).filter((i) => i !== -1))
  return colon > firstDelimiter || SAFE_SCHEME.test(url.slice(0, colon))
}

const PHRASING_PARENTS = new Set<Nodes['type']>([
  'paragraph',
  'heading',
  'emphasis',
  'strong',
  'delete',
  'link',
  'linkReference',
  'tableCell',
])

const text = (value: string): PhrasingContent => ({ type: 'text', value })

/** The nodes with their HTML and script addresses turned into text; the input is left as it is. */
export function inertMarkdown(nodes: RootContent[]): RootContent[] {
  const root: Root = structuredClone({ type: 'root', children: nodes })
  const unsafeDefinitions = new Set<string>()
  const collect = (node: Nodes) => {
    if (node.type === 'definition' && !isSafeUrl(node.url)) unsafeDefinitions.add(node.identifier)
    if ('children' in node) node.children.forEach(collect)
  }
  collect(root)
  defuseChildren(root, unsafeDefinitions)
  return root.children
}

function defuseChildren(parent: Parents, unsafeDefinitions: Set<string>): void {
  const phrasing = PHRASING_PARENTS.has(parent.type)
  const children: Nodes[] = parent.children
  const defused = children.map((child) => {
    const replaced = replacement(child, phrasing, unsafeDefinitions)
    if ('children' in replaced) defuseChildren(replaced, unsafeDefinitions)
    return replaced
  })
  // Each replacement is content of the same kind as the node it replaces: text in phrasing, a paragraph in flow.
  Object.assign(parent, { children: defused })
}

function replacement(node: Nodes, phrasing: boolean, unsafeDefinitions: Set<string>): Nodes {
  const inert = (value: string): Nodes => (phrasing ? text(value) : { type: 'paragraph', children: [text(value)] })
  switch (node.type) {
    case 'html':
      return inert(node.value)
    case 'link':
      if (isSafeUrl(node.url)) return node
      // An autolink (<javascript:…>) reads back as itself; any other link as [text](address).
      return inert(toString(node) === node.url ? `<${node.url}>` : `[${toString(node)}](${node.url})`)
    case 'image':
      return isSafeUrl(node.url) ? node : inert(`![${node.alt ?? ''}](${node.url})`)
    case 'definition':
      return isSafeUrl(node.url) ? node : inert(`[${node.label ?? node.identifier}]: ${node.url}`)
    case 'linkReference':
    case 'imageReference': {
      if (!unsafeDefinitions.has(node.identifier)) return node
      const shown = node.type === 'linkReference' ? `[${toString(node)}]` : `![${node.alt ?? ''}]`
      const label = node.label ?? node.identifier
      return inert(
        shown + (node.referenceType === 'full' ? `[${label}]` : node.referenceType === 'collapsed' ? '[]' : ''),
      )
    }
    default:
      return node
  }
}
