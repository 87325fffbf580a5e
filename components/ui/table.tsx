import type { ReactNode, TdHTMLAttributes, ThHTMLAttributes } from 'react'
import { cn } from './cn'

export function Table({ children, caption }: { children: ReactNode; caption?: string }) {
  return (
    // Relative: screen-reader-only text in a cell is placed inside the scrolling box, not past the page's edge.
    <div className="relative overflow-x-auto">
      <table className="min-w-full divide-y divide-zinc-200 text-sm">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        {children}
      </table>
    </div>
  )
}

export function Th({ className, ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th
      scope="col"
      className={cn('px-4 py-2 text-left text-xs font-semibold tracking-wide text-zinc-500 uppercase', className)}
      {...props}
    />
  )
}

export function Td({ className, ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={cn('px-4 py-2.5 align-top text-zinc-800', className)} {...props} />
}
