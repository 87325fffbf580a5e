import type { RootContent } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { describe, expect, it } from 'vitest'
import { inertMarkdown, isSafeUrl } from './inert-markdown'

describe('inert Markdown', () => {
  it('allows web, mail and relative addresses, and nothing that runs', () => {
    for (const url of [
      'https://example.com',
      'HTTP://example.com',
      'mailto:dba@example.com',
      '/runbooks/cutover',
      'cutover.md#step-2',
      '?tab=risks',
      '#phases',
      'docs/a:b',
    ])
      expect(isSafeUrl(url), url).toBe(true)
    for (const url of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      '%6Aavascript:alert(1)',
    ])
      expect(isSafeUrl(url), url).toBe(false)
  })

  it('turns HTML and links to scripts into text, leaving the input tree as it was', () => {
    const nodes: RootContent[] = fromMarkdown(
      '<div>x</div>\n\nA <b>b</b> [x](javascript:alert(1)) and [ok](https://example.com).',
    ).children
    const before = structuredClone(nodes)
    expect(inertMarkdown(nodes)).toEqual([
      { type: 'paragraph', children: [{ type: 'text', value: '<div>x</div>' }] },
      {
        type: 'paragraph',
        children: [
          expect.objectContaining({ type: 'text', value: 'A ' }),
          { type: 'text', value: '<b>' },
          expect.objectContaining({ type: 'text', value: 'b' }),
          { type: 'text', value: '</b>' },
          expect.objectContaining({ type: 'text', value: ' ' }),
          { type: 'text', value: '[x](javascript:alert(1))' },
          expect.objectContaining({ type: 'text', value: ' and ' }),
          expect.objectContaining({ type: 'link', url: 'https://example.com' }),
          expect.objectContaining({ type: 'text', value: '.' }),
        ],
        position: expect.anything(),
      },
    ])
    expect(nodes).toEqual(before)
  })
})
