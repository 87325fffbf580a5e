/** A count and its noun, e.g. "1 row", "1,250 rows" ("many" for irregular plurals). */
export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`

/** A whole number of seconds as "45 s", "5 min", "2 min 30 s". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`
}

/** A measured number of seconds: "4.2 s", "37 s", "2 min 5 s". */
export const formatSeconds = (s: number) =>
  s >= 90 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${s.toFixed(s < 10 ? 1 : 0)} s`

/** An instant as the app writes it everywhere: "2026-11-21 14:05 UTC". */
export const formatUtc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`

/** A size in bytes as people read it: "812 B", "4.2 KB", "37 MB", "1.2 GB" (powers of 1024). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

/** A state as a sentence says it: ROLLING_BACK → "rolling back". */
export const stateWords = (state: string) => state.toLowerCase().replaceAll('_', ' ')
