import { diffLines, diffWordsWithSpace } from 'diff'

// Two texts side by side, line against line, for the script revisions view (pure; the page renders it). jsdiff (the `diff` package)
// finds the changes (Myers' algorithm, as git does); this only pairs removed with added lines and marks
// the changed words inside a pair.

export type DiffPart = { text: string; changed: boolean }
export type DiffCell = { line: number; parts: DiffPart[] } | null
export type DiffRow = { kind: 'same' | 'changed' | 'removed' | 'added'; left: DiffCell; right: DiffCell }

const linesOf = (value: string) => {
  const lines = value.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** The words of `left` and `right` that differ, each side's parts in order. */
function wordParts(left: string, right: string): [DiffPart[], DiffPart[]] {
  const l: DiffPart[] = []
  const r: DiffPart[] = []
  for (const change of diffWordsWithSpace(left, right)) {
    if (!change.added) l.push({ text: change.value, changed: !!change.removed })
    if (!change.removed) r.push({ text: change.value, changed: !!change.added })
  }
  return [l, r]
}

export function sideBySide(before: string, after: string): DiffRow[] {
  const rows: DiffRow[] = []
  let leftLine = 0
  let rightLine = 0
  const changes = diffLines(before, after)
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]
    if (!change) continue
    if (!change.added && !change.removed) {
      for (const text of linesOf(change.value))
        rows.push({
          kind: 'same',
          left: { line: ++leftLine, parts: [{ text, changed: false }] },
          right: { line: ++rightLine, parts: [{ text, changed: false }] },
        })
      continue
    }
    const removed = change.removed ? linesOf(change.value) : []
    const next = changes[i + 1]
    const added = change.added ? linesOf(change.value) : next?.added ? linesOf(next.value) : []
    if (change.removed && next?.added) i++
    for (let k = 0; k < Math.max(removed.length, added.length); k++) {
      const l = removed[k]
      const r = added[k]
      if (l !== undefined && r !== undefined) {
        const [lp, rp] = wordParts(l, r)
        rows.push({ kind: 'changed', left: { line: ++leftLine, parts: lp }, right: { line: ++rightLine, parts: rp } })
      } else if (l !== undefined) {
        rows.push({ kind: 'removed', left: { line: ++leftLine, parts: [{ text: l, changed: true }] }, right: null })
      } else if (r !== undefined) {
        rows.push({ kind: 'added', left: null, right: { line: ++rightLine, parts: [{ text: r, changed: true }] } })
      }
    }
  }
  return rows
}
