import { formatUtc } from '@/lib/domain/words'

/**
 * An unambiguous UTC time, identical on server and client (no hydration drift). The text shown is the whole
 * information (no hover-only title); the exact instant is in dateTime for machines.
 */
export function Timestamp({ iso, empty = '—' }: { iso: string | null; empty?: string }) {
  if (!iso) return <span className="text-zinc-500">{empty}</span>
  const text = formatUtc(iso)
  return <time dateTime={iso}>{text}</time>
}
