import Link from 'next/link'
import type { TPlanListFilter } from '@/lib/server/plans/queries'

type Props = {
  filter: TPlanListFilter
  page: number
  pageCount: number
  pageSize: number
  total: number
  shown: number
}

export function Pager({ filter, page, pageCount, pageSize, total, shown }: Props) {
  const href = (target: number) => {
    const params = new URLSearchParams()
    if (filter.q) params.set('q', filter.q)
    if (filter.status) params.set('status', filter.status)
    if (target > 1) params.set('page', String(target))
    const query = params.toString()
    return query ? `?${query}` : '?'
  }
  const from = (page - 1) * pageSize + 1
  return (
    <nav aria-label="Pages" className="mt-3 flex items-center justify-between text-sm text-zinc-600">
      <span>
        {shown ? `${from}–${from + shown - 1} of ${total}` : `0 of ${total}`} plan{total === 1 ? '' : 's'}
      </span>
      {pageCount > 1 ? (
        <span className="flex gap-3">
          {page > 1 ? (
            <Link href={href(page - 1)} className="text-indigo-700 hover:underline">
              ← Newer
            </Link>
          ) : null}
          <span>
            Page {page} of {pageCount}
          </span>
          {page < pageCount ? (
            <Link href={href(page + 1)} className="text-indigo-700 hover:underline">
              Older →
            </Link>
          ) : null}
        </span>
      ) : null}
    </nav>
  )
}
