import type { Code } from 'mdast'
import { GANTT_TAGS, type DocTimelineEntry, type DocWarning } from './types'

// Mermaid `gantt` charts as timeline entries: each task with its section, id, start, end, duration,
// dependencies (`after a b`) and tags, dates resolved the way Mermaid draws them; and back to a chart.

type Tag = (typeof GANTT_TAGS)[number]

/** A timeline entry that is only text ("Total duration: 5 weeks"). */
export const textEntry = (text: string): DocTimelineEntry => ({
  text: text.slice(0, 2_000),
  section: null,
  ref: null,
  start: null,
  end: null,
  duration: null,
  after: [],
  tags: [],
  excludes: null,
})

/** Whether an entry says more than its text, so that it is written back as a task of a chart. */
export const isTask = (e: DocTimelineEntry) =>
  Boolean(e.section || e.ref || e.start || e.end || e.duration || e.after.length || e.tags.length || e.excludes)

// A chart may open with front matter ("---\ntitle: …\nconfig: …\n---") and %% comments or directives.
const FRONT_MATTER = /^\s*---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/

const firstLine = (value: string) =>
  value
    .replace(FRONT_MATTER, '')
    .split('\n')
    .find((line) => line.trim() && !line.trim().startsWith('%%'))
    ?.trim() ?? ''

export const isGantt = (code: Code) => /^mermaid$/i.test(code.lang ?? '') && /^gantt\b/.test(firstLine(code.value))

// Lines that change how a chart is drawn, not what it schedules.
const PRESENTATION =
  /^(title|axisFormat|tickInterval|todayMarker|displayMode|weekday|topAxis|click|accTitle|accDescr)\b/

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w|M|y)$/
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** A date format of dayjs (as Mermaid's `dateFormat` takes) as a reader of dates, or null if it has tokens we do not read. */
function dateReader(
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

function isoOf(ms: number, hasDate: boolean, hasTime: boolean): string {
  const d = new Date(ms)
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${d.getUTCSeconds() ? `:${pad(d.getUTCSeconds())}` : ''}`
  if (hasDate && hasTime) return `${date} ${time}`
  return hasTime ? time : date
}

function addDuration(ms: number, duration: string): number | null {
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

type Resolved = { entry: DocTimelineEntry; startMs: number | null; endMs: number | null }

const DAY_MS = 86_400_000
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']

/** A chart's `excludes` ("weekends, 2025-01-20, friday") as a test of a day, and in ISO spelling; null with the reason when it cannot be read. */
function readExcludes(
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
function pushPastExcluded(startMs: number, endMs: number, excluded: (ms: number) => boolean): number {
  let end = endMs
  for (let day = startMs; day <= end; day += DAY_MS) if (excluded(day)) end += DAY_MS
  return end
}

/** The tasks of a chart; `line` is the line of the chart's opening fence, so warnings name the task's own line. */
export function readGantt(value: string, line: number | null): { entries: DocTimelineEntry[]; warnings: DocWarning[] } {
  const warnings: DocWarning[] = []
  const tasks: Resolved[] = []
  const entries: DocTimelineEntry[] = []
  const byRef = new Map<string, Resolved>()
  let section: string | null = null
  let sawGantt = false
  // `dateFormat` and `excludes` hold for the whole chart, wherever they are written.
  const declared = (name: string) =>
    [...value.matchAll(new RegExp(`^\\s*${name}\\s+(.+)$`, 'gm'))].at(-1)?.[1]?.replace(/%%.*$/, '').trim()
  const format = declared('dateFormat') ?? 'YYYY-MM-DD'
  const reader = dateReader(format)
  const excludesText = declared('excludes')
  const excludes = excludesText && reader?.hasDate ? readExcludes(excludesText, reader) : null
  const front = FRONT_MATTER.exec(value)
  const frontTitle = front?.[1] ? /^title:\s*["']?(.+?)["']?\s*$/m.exec(front[1])?.[1] : undefined
  if (frontTitle) entries.push(textEntry(frontTitle))
  const skipped = front ? front[0].split('\n').length - 1 : 0
  value.split('\n').forEach((raw, index) => {
    if (index < skipped) return
    const at = line === null ? null : line + 1 + index
    const text = raw.replace(/%%.*$/, '').trim()
    if (!text) return
    if (!sawGantt && /^gantt\b/.test(text)) {
      sawGantt = true
      return
    }
    const keyword = /^(\w+)\s*(.*)$/.exec(text)
    const [, word = '', argument = ''] = keyword ?? []
    if (word === 'dateFormat') {
      if (!reader && argument.trim() === format)
        warnings.push({
          line: at,
          message: `Gantt chart: the date format “${format}” is not one Lockstep reads (YYYY, MM, DD, HH, mm, ss); its tasks are kept without dates.`,
        })
      return
    }
    if (word === 'section') {
      section = argument.trim().slice(0, 200) || null
      return
    }
    if (word === 'excludes' && excludes && 'text' in excludes) return
    if (word === 'excludes' || word === 'includes' || word === 'inclusiveEndDates') {
      const why =
        word === 'excludes' && excludes && 'problem' in excludes
          ? `: ${excludes.problem}`
          : word === 'excludes'
            ? ': the chart has no dates'
            : ''
      warnings.push({
        line: at,
        message: `Gantt chart: “${text}” is not applied${why}; end dates may differ from the ones the chart draws.`,
      })
      return
    }
    // The chart's title is a line of the timeline of its own; the other settings only change the drawing.
    if (word === 'title' && argument.trim()) {
      entries.push(textEntry(argument.trim()))
      return
    }
    if (PRESENTATION.test(text)) return
    const colon = text.indexOf(':')
    if (colon <= 0) {
      warnings.push({
        line: at,
        message: `Gantt chart: the line “${text.slice(0, 80)}” is neither a task (“Name : …”) nor a setting Lockstep knows; skipped.`,
      })
      return
    }
    const name = text.slice(0, colon).trim()
    const parts = text
      .slice(colon + 1)
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
    const tags: Tag[] = []
    while (parts.length && (GANTT_TAGS as readonly string[]).includes(parts[0] ?? '')) tags.push(parts.shift() as Tag)
    const [ref, startText, endText] =
      parts.length >= 3 ? parts : parts.length === 2 ? [null, parts[0], parts[1]] : [null, null, parts[0]]
    if (parts.length > 3)
      warnings.push({
        line: at,
        message: `Gantt task “${name}”: more than an id, a start and an end (“${parts.slice(3).join(', ')}”); the rest is ignored.`,
      })
    const entry: DocTimelineEntry = { ...textEntry(name), section, ref: ref?.slice(0, 100) ?? null, tags }
    const problem = (what: string) => warnings.push({ line: at, message: `Gantt task “${name}”: ${what}` })
    let startMs: number | null = null
    if (startText && /^after\s/.test(startText)) {
      entry.after = startText
        .split(/\s+/)
        .slice(1)
        .filter(Boolean)
        .slice(0, 50)
        .map((r) => r.slice(0, 100))
      const ends = entry.after.map((r) => byRef.get(r))
      const missing = entry.after.filter((_, i) => !ends[i])
      if (missing.length)
        problem(
          `it follows ${missing.map((m) => `“${m}”`).join(', ')}, which no task before it is called; its dates are left open.`,
        )
      else {
        const known = ends.map((e) => e?.endMs ?? null)
        startMs = known.every((e): e is number => e !== null) ? Math.max(...known) : null
      }
    } else if (startText) {
      startMs = reader?.read(startText) ?? null
      if (startMs === null) entry.start = startText.slice(0, 40)
      if (startMs === null && reader)
        problem(`the start “${startText}” is not a date in the chart's format (${format}); its dates are left open.`)
    } else if (tasks.length) {
      const previous = tasks.at(-1)
      startMs = previous?.endMs ?? null
      if (startMs === null && reader)
        problem(`it starts when “${previous?.entry.text}” ends, which is open; its dates are left open.`)
    }
    let endMs: number | null = null
    if (!endText) problem('it has no duration or end; kept without them.')
    else if (DURATION.test(endText)) {
      entry.duration = endText
      endMs = startMs === null ? null : addDuration(startMs, endText)
    } else if (/^until\s/.test(endText)) {
      entry.duration = endText.slice(0, 40)
      const until = byRef.get(endText.split(/\s+/)[1] ?? '')
      if (!until) problem(`it lasts “${endText}”, but no task before it has that id; its end is left open.`)
      endMs = until?.startMs ?? null
    } else {
      endMs = reader?.read(endText) ?? null
      if (endMs === null) entry.end = endText.slice(0, 40)
      if (endMs === null && reader)
        problem(
          `the end “${endText}” is neither a duration (5d, 2w, 90m) nor a date in the chart's format (${format}); its end is left open.`,
        )
    }
    if (excludes && 'text' in excludes) {
      entry.excludes = excludes.text
      if (startMs !== null && endMs !== null) endMs = pushPastExcluded(startMs, endMs, excludes.test)
    }
    if (reader && startMs !== null) entry.start = isoOf(startMs, reader.hasDate, reader.hasTime)
    if (reader && endMs !== null) entry.end = isoOf(endMs, reader.hasDate, reader.hasTime)
    const resolved = { entry, startMs, endMs }
    tasks.push(resolved)
    entries.push(entry)
    if (entry.ref) byRef.set(entry.ref, resolved)
  })
  if (tasks.length === 0) warnings.push({ line, message: 'A Gantt chart without tasks was skipped.' })
  return { entries, warnings }
}

const FORMATS: [RegExp, string][] = [
  [/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'YYYY-MM-DD HH:mm:ss'],
  [/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/, 'YYYY-MM-DD HH:mm'],
  [/^\d{2}:\d{2}:\d{2}$/, 'HH:mm:ss'],
  [/^\d{2}:\d{2}$/, 'HH:mm'],
  [/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'],
]

/** The date format an entry's dates are written in, or null when it has none; one chart holds one format. */
export function dateFormatOf(entry: DocTimelineEntry): string | null {
  for (const date of [entry.start, entry.end])
    for (const [pattern, format] of FORMATS) if (date && pattern.test(date)) return format
  return null
}

const formatOf = (entries: DocTimelineEntry[]) => entries.map(dateFormatOf).find((f) => f !== null) ?? 'YYYY-MM-DD'

/** Entries as the lines of one Mermaid chart that `readGantt` reads back to the same entries. */
export function formatGantt(entries: DocTimelineEntry[]): string {
  const excludes = entries.find((e) => e.excludes)?.excludes
  const out = ['gantt', `    dateFormat ${formatOf(entries)}`, ...(excludes ? [`    excludes ${excludes}`] : [])]
  let section: string | null = null
  // A task's name ends at its first colon, and a chart has no line breaks within a line.
  const clean = (text: string) => text.replace(/[\n\r]+/g, ' ').trim()
  for (const e of entries) {
    if (e.section && e.section !== section) out.push(`    section ${clean(e.section)}`)
    section = e.section ?? section
    const start = e.after.length ? `after ${e.after.join(' ')}` : e.start
    const end = e.duration ?? e.end
    const parts = [
      ...e.tags,
      ...(e.ref ? [e.ref] : []),
      ...(e.ref || start ? [start ?? ''] : []),
      ...(end ? [end] : []),
    ]
    out.push(`    ${clean(e.text).replace(/:/g, ' ')} :${parts.join(', ')}`)
  }
  return out.join('\n')
}

const TAG_WORDS: Record<Tag, string> = { done: 'done', active: 'in progress', crit: 'critical', milestone: 'milestone' }

/**
 * What a task of a chart says beyond its name, for people: "2025-03-06 → 2025-03-08 (2d), after Inventory of
 * extensions · critical"; null for a line of text. Refs are named by their tasks among `all`.
 */
export function describeTask(entry: DocTimelineEntry, all: DocTimelineEntry[]): string | null {
  if (!isTask(entry)) return null
  const name = (ref: string) => all.find((e) => e.ref === ref)?.text ?? ref
  const dates =
    entry.start && entry.end && entry.start !== entry.end
      ? `${entry.start} → ${entry.end}`
      : (entry.start ?? (entry.end ? `until ${entry.end}` : ''))
  const parts = [
    [dates, entry.duration && !/^0[a-z]*$/i.test(entry.duration) ? `(${entry.duration})` : '']
      .filter(Boolean)
      .join(' '),
    entry.after.length ? `after ${entry.after.map(name).join(', ')}` : '',
  ].filter(Boolean)
  const tags = entry.tags.map((t) => TAG_WORDS[t])
  return (
    [[entry.section ? `${entry.section}` : '', parts.join(', ')].filter(Boolean).join(': '), ...tags]
      .filter(Boolean)
      .join(' · ') || null
  )
}

/** A Mermaid chart that is a schedule: `gantt` or `timeline`. */
export const isSchedule = (code: Code) => isGantt(code) || isMermaidTimeline(code)

export const isMermaidTimeline = (code: Code) =>
  /^mermaid$/i.test(code.lang ?? '') && /^timeline\b/.test(firstLine(code.value))

/**
 * A Mermaid `timeline` diagram as lines of the timeline: "Phase 1 – Week 1: Context gathering" for each period
 * and its events, the title first.
 */
export function readMermaidTimeline(value: string): DocTimelineEntry[] {
  const entries: DocTimelineEntry[] = []
  let section: string | null = null
  let period: string | null = null
  let seen = false
  for (const raw of value.replace(FRONT_MATTER, '').split('\n')) {
    const text = raw.replace(/%%.*$/, '').trim()
    if (!text) continue
    if (!seen && /^timeline\b/.test(text)) {
      seen = true
      continue
    }
    const title = /^title\s+(.+)$/.exec(text)?.[1]
    const sectionName = /^section\s+(.+)$/.exec(text)?.[1]
    if (title) entries.push(textEntry(title))
    else if (sectionName) section = sectionName
    else if (!PRESENTATION.test(text)) {
      // "2024 : Event A : Event B", or ": Event C" continuing the period above.
      const [head = '', ...events] = text.split(/\s*:\s*/)
      if (head) period = head
      const line = [period, events.filter(Boolean).join('; ')].filter(Boolean).join(': ')
      if (line) entries.push(textEntry(section ? `${section} – ${line}` : line))
    }
  }
  return entries
}
