import { formatUtc } from '@/lib/domain/words'

/** An unambiguous UTC time, identical on server and client (no hydration drift). */
export function Timestamp({ iso, empty = '—' }: { iso: string | null; empty?: string }) {
  if (!iso) return <span className="text-zinc-400">{empty}</span>
  const text = formatUtc(iso)
  return (
    <time dateTime={iso} title={iso}>
      {text}
    </time>
  )
}
