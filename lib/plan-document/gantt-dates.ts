// Dates in a Gantt chart as Mermaid resolves them: read in the chart's `dateFormat`, durations added by the
// calendar, excluded days skipped.

export const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w|M|y)$/
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** A date format of dayjs (as Mermaid's `dateFormat` takes) as a reader of dates, or null if it has tokens we do not read. */
export function dateReader(
  format: string,
): { read: (text: string) => number | null; hasDate: boolean; hasTime: boolean } | null {
  // Every run of letters is a token; a format with any token but these (MMM, Do, A, X…) is not read.
  const supported = new Set(['YYYY', 'MM', 'M', 'DD', 'D', 'HH', 'H', 'mm', 'm', 'ss', 's'])
  const fields: string[] = []
  let pattern = ''
  let last = 0
  for (const match of format.matchAll(/([A-Za-z])\1*/g)) {
    if (!supported.has(match[0])) return null
    pattern += format.slice(last, match.index).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    pattern += match[0] === 'YYYY' ? '(\\d{4})' : '(\\d{1,2})'
    fields.push(match[0].charAt(0))
    last = match.index + match[0].length
  }
  pattern += format.slice(last).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const regex = new RegExp(`^${pattern}$`)
  const hasDate = fields.some((f) => f === 'Y' || f === 'M' || f === 'D')
  const hasTime = fields.some((f) => f === 'H' || f === 'm' || f === 's')
  return {
    hasDate,
    hasTime,
    read(text) {
      const match = regex.exec(text.trim())
      if (!match) return null
      const part = { Y: 1970, M: 1, D: 1, H: 0, m: 0, s: 0 }
      fields.forEach((field, i) => (part[field as keyof typeof part] = Number(match[i + 1])))
      const ms = Date.UTC(part.Y, part.M - 1, part.D, part.H, part.m, part.s)
      const back = new Date(ms)
      if (
        back.getUTCMonth() !== part.M - 1 ||
        back.getUTCDate() !== part.D ||
        part.H > 23 ||
        part.m > 59 ||
        part.s > 59
      )
        return null
      return ms
    },
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

export function isoOf(ms: number, hasDate: boolean, hasTime: boolean): string {
  const d = new Date(ms)
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${d.getUTCSeconds() ? `:${pad(d.getUTCSeconds())}` : ''}`
  if (hasDate && hasTime) return `${date} ${time}`
  return hasTime ? time : date
}

export function addDuration(ms: number, duration: string): number | null {
  const match = DURATION.exec(duration)
  if (!match?.[1] || !match[2]) return null
  const amount = Number(match[1])
  const unit = match[2]
  const perUnit = UNIT_MS[unit]
  if (perUnit !== undefined) return ms + amount * perUnit
  if (!Number.isInteger(amount)) return null
  // Calendar months and years, the day kept within the month as dayjs does (31 January + 1M = 28 February).
  const d = new Date(ms)
  const months = unit === 'M' ? amount : amount * 12
  const day = d.getUTCDate()
  d.setUTCDate(1)
  d.setUTCMonth(d.getUTCMonth() + months)
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
  d.setUTCDate(Math.min(day, lastDay))
  return d.getTime()
}

const DAY_MS = 86_400_000
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']

/** A chart's `excludes` ("weekends, 2025-01-20, friday") as a test of a day, and in ISO spelling; null with the reason when it cannot be read. */
export function readExcludes(
  argument: string,
  reader: NonNullable<ReturnType<typeof dateReader>>,
): { text: string; test: (ms: number) => boolean } | { problem: string } {
  const days = new Set<number>()
  const dates = new Set<number>()
  const spelled: string[] = []
  for (const token of argument.split(/[\s,]+/).filter(Boolean)) {
    const word = token.toLowerCase()
    if (word === 'weekends' || word === 'weekend') [0, 6].forEach((d) => days.add(d))
    else if (WEEKDAYS.includes(word)) days.add(WEEKDAYS.indexOf(word))
    else {
      const ms = reader.read(token)
      if (ms === null)
        return { problem: `“${token}” is neither a day of the week, “weekends” nor a date in the chart's format` }
      dates.add(Math.floor(ms / DAY_MS))
      spelled.push(isoOf(ms, true, false))
      continue
    }
    spelled.push(word)
  }
  return {
    text: spelled.join(', ').slice(0, 200),
    test: (ms) => days.has(new Date(ms).getUTCDay()) || dates.has(Math.floor(ms / DAY_MS)),
  }
}

/** As Mermaid does: every excluded day from the start to the end pushes the end a day later. */
export function pushPastExcluded(startMs: number, endMs: number, excluded: (ms: number) => boolean): number {
  let end = endMs
  for (let day = startMs; day <= end; day += DAY_MS) if (excluded(day)) end += DAY_MS
  return end
}
