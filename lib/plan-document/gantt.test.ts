import { describe, expect, it } from 'vitest'
import { formatGantt, readGantt } from './gantt'

const chart = (...lines: string[]) => ['gantt', ...lines.map((l) => `    ${l}`)].join('\n')

describe('Mermaid Gantt charts', () => {
  it('works out dates and times in the chart’s own format, months and years by the calendar', () => {
    const { entries, warnings } = readGantt(
      chart(
        'dateFormat YYYY-MM-DD HH:mm',
        'Load :l, 2025-01-31 22:00, 90m',
        'Report :after l, 1M',
        'Archive :2025-02-01 00:00, 1y',
      ),
      10,
    )
    expect(entries.map((e) => [e.text, e.start, e.end])).toEqual([
      ['Load', '2025-01-31 22:00', '2025-01-31 23:30'],
      ['Report', '2025-01-31 23:30', '2025-02-28 23:30'],
      ['Archive', '2025-02-01 00:00', '2026-02-01 00:00'],
    ])
    expect(warnings).toEqual([])
  })

  it('keeps tasks of a chart whose date format it cannot read, without dates, and says so once with the line', () => {
    const { entries, warnings } = readGantt(
      chart('dateFormat MMM D YYYY', 'Kick-off :k, Jan 6 2025, 2d', 'Review :3d'),
      4,
    )
    expect(entries.map((e) => [e.text, e.ref, e.start, e.end, e.duration])).toEqual([
      ['Kick-off', 'k', 'Jan 6 2025', null, '2d'],
      ['Review', null, null, null, '3d'],
    ])
    expect(warnings).toEqual([
      {
        line: 6,
        message:
          'Gantt chart: the date format “MMM D YYYY” is not one Lockstep reads (YYYY, MM, DD, HH, mm, ss); its tasks are kept without dates.',
      },
    ])
  })

  it('pushes ends past excluded days wherever the chart declares them, and writes them back', () => {
    const { entries, warnings } = readGantt(
      chart('dateFormat DD/MM/YYYY', 'Load :l, 07/03/2025, 2d', 'Check :after l, 1d', 'excludes weekends, 10/03/2025'),
      1,
    )
    expect(entries.map((e) => [e.text, e.start, e.end, e.excludes])).toEqual([
      ['Load', '2025-03-07', '2025-03-12', 'weekends, 2025-03-10'],
      ['Check', '2025-03-12', '2025-03-13', 'weekends, 2025-03-10'],
    ])
    expect(warnings).toEqual([])
    expect(readGantt(formatGantt(entries), 1).entries).toEqual(entries)
  })

  it('says which excluded day it cannot read, and leaves the chart’s days as they are', () => {
    const { entries, warnings } = readGantt(chart('excludes weekends, holidays', 'Load :2025-03-07, 2d'), 1)
    expect(entries.map((e) => [e.end, e.excludes])).toEqual([['2025-03-09', null]])
    expect(warnings).toEqual([
      {
        line: 3,
        message:
          "Gantt chart: “excludes weekends, holidays” is not applied: “holidays” is neither a day of the week, “weekends” nor a date in the chart's format; end dates may differ from the ones the chart draws.",
      },
    ])
  })

  it('names a chart without tasks', () => {
    expect(readGantt(chart('title Nothing yet'), 3)).toEqual({
      entries: [expect.objectContaining({ text: 'Nothing yet' })],
      warnings: [{ line: 3, message: 'A Gantt chart without tasks was skipped.' }],
    })
  })

  it('writes tasks back as a chart that reads to the same tasks', () => {
    const { entries } = readGantt(
      chart(
        'dateFormat DD.MM.YYYY',
        'section Prep: week 1',
        'Backup :crit, done, b, 03.03.2025, 1d',
        'Restore test :after b, 2d',
        'Sign-off :milestone, 06.03.2025, 0d',
      ),
      1,
    )
    const written = formatGantt(entries)
    expect(written).toBe(
      [
        'gantt',
        '    dateFormat YYYY-MM-DD',
        '    section Prep: week 1',
        '    Backup :crit, done, b, 2025-03-03, 1d',
        '    Restore test :after b, 2d',
        '    Sign-off :milestone, 2025-03-06, 0d',
      ].join('\n'),
    )
    expect(readGantt(written, 1).entries).toEqual(entries)
  })
})
