import type { Code } from 'mdast'
import type { DocTimelineEntry } from './types'

// Mermaid charts that are schedules – `gantt` (read in gantt.ts) and `timeline` (read here) – and the timeline
// entries both become.

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
export const FRONT_MATTER = /^\s*---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/

const firstLine = (value: string) =>
  value
    .replace(FRONT_MATTER, '')
    .split('\n')
    .find((line) => line.trim() && !line.trim().startsWith('%%'))
    ?.trim() ?? ''

export const isGantt = (code: Code) => /^mermaid$/i.test(code.lang ?? '') && /^gantt\b/.test(firstLine(code.value))

// Lines that change how a chart is drawn, not what it schedules.
export const PRESENTATION =
  /^(title|axisFormat|tickInterval|todayMarker|displayMode|weekday|topAxis|click|accTitle|accDescr)\b/

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
