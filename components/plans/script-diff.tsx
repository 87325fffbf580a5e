import { cn } from '@/components/ui/cn'
import type { DiffCell, DiffRow } from '@/lib/server/revisions/diff'

const ROW_TONES: Record<DiffRow['kind'], { left: string; right: string }> = {
  same: { left: '', right: '' },
  changed: { left: 'bg-red-50', right: 'bg-emerald-50' },
  removed: { left: 'bg-red-50', right: 'bg-zinc-50' },
  added: { left: 'bg-zinc-50', right: 'bg-emerald-50' },
}

function Cell({ cell, side, tone }: { cell: DiffCell; side: 'left' | 'right'; tone: string }) {
  const mark = side === 'left' ? 'bg-red-200 text-red-950' : 'bg-emerald-200 text-emerald-950'
  return (
    <>
      <td className={cn('w-8 border-r border-zinc-200 px-1 text-right text-zinc-600 select-none', tone)}>
        {cell?.line ?? ''}
      </td>
      <td className={cn('px-2 whitespace-pre-wrap', tone)}>
        {cell?.parts.map((part, i) =>
          part.changed ? (
            side === 'left' ? (
              <del key={i} className={mark}>
                {part.text}
              </del>
            ) : (
              <ins key={i} className={mark}>
                {part.text}
              </ins>
            )
          ) : (
            <span key={i}>{part.text}</span>
          ),
        )}
      </td>
    </>
  )
}

/** Two texts side by side; removed words struck on the left, added ones marked on the right. */
export function ScriptDiff({
  rows,
  leftLabel,
  rightLabel,
  caption,
}: {
  rows: DiffRow[]
  leftLabel: string
  rightLabel: string
  caption: string
}) {
  const changes = rows.filter((r) => r.kind !== 'same').length
  return (
    <div className="overflow-x-auto rounded-md border border-zinc-200 bg-white">
      <table className="w-full min-w-[40rem] table-fixed font-mono text-xs" data-testid="script-diff">
        <caption className="sr-only">
          {caption}: {changes === 0 ? 'no differences' : `${changes} changed lines`}
        </caption>
        <colgroup>
          <col className="w-8" />
          <col />
          <col className="w-8" />
          <col />
        </colgroup>
        <thead className="bg-zinc-50 font-sans text-xs text-zinc-600">
          <tr>
            <th scope="col" colSpan={2} className="px-2 py-1 text-left font-medium">
              {leftLabel}
            </th>
            <th scope="col" colSpan={2} className="border-l border-zinc-200 px-2 py-1 text-left font-medium">
              {rightLabel}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i} data-kind={row.kind}>
              <Cell cell={row.left} side="left" tone={ROW_TONES[row.kind].left} />
              <Cell cell={row.right} side="right" tone={cn('border-l border-zinc-200', ROW_TONES[row.kind].right)} />
            </tr>
          ))}
        </tbody>
      </table>
      {changes === 0 ? <p className="px-3 py-2 font-sans text-xs text-zinc-600">The texts are identical.</p> : null}
    </div>
  )
}
