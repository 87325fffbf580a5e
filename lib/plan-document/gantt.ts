import { addDuration, dateReader, DURATION, isoOf, pushPastExcluded, readExcludes } from './gantt-dates'
import { FRONT_MATTER, isTask, PRESENTATION, textEntry } from './mermaid'
import { GANTT_TAGS, type DocTimelineEntry, type DocWarning } from './types'

// Mermaid `gantt` charts as timeline entries: each task with its section, id, start, end, duration,
// dependencies (`after a b`) and tags, dates resolved the way Mermaid draws them; and back to a chart.

type Tag = (typeof GANTT_TAGS)[number]

type Resolved = { entry: DocTimelineEntry; startMs: number | null; endMs: number | null }

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
