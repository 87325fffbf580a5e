import { describe, expect, it } from 'vitest'
import {
  clipNotice,
  internalHref,
  NOTICE_BODY_MAX,
  noticeBody,
  noticeEmailText,
  runFailedTitle,
  windowSpan,
} from './rules'

describe('noticeBody', () => {
  it('keeps the first line of an error, trimmed', () => {
    expect(noticeBody('  Step “Bad” failed: division by zero\n    at Query.run (pg.js:1)\n')).toBe(
      'Step “Bad” failed: division by zero',
    )
    expect(noticeBody('\r\nfirst\r\nsecond')).toBe('first')
  })

  it('cuts a long line to the limit with an ellipsis', () => {
    const body = noticeBody(`${'x'.repeat(500)}\nmore`)
    expect(body).toHaveLength(NOTICE_BODY_MAX)
    expect(body.endsWith('…')).toBe(true)
    expect(noticeBody('y'.repeat(NOTICE_BODY_MAX))).toBe('y'.repeat(NOTICE_BODY_MAX))
  })

  it('answers an empty body for no error', () => {
    expect(noticeBody(null)).toBe('')
    expect(noticeBody('   ')).toBe('')
  })
})

describe('clipNotice', () => {
  it('puts a note on one line and clips it', () => {
    expect(clipNotice('Clashes with\n  the billing run ')).toBe('Clashes with the billing run')
    expect(clipNotice('z'.repeat(400))).toHaveLength(NOTICE_BODY_MAX)
  })
})

describe('windowSpan', () => {
  it('names the date once within a day and twice across midnight', () => {
    expect(windowSpan(new Date('2026-12-01T02:00:00Z'), new Date('2026-12-01T04:30:00Z'))).toBe(
      '2026-12-01 02:00 – 04:30 UTC',
    )
    expect(windowSpan(new Date('2026-12-01T22:00:00Z'), new Date('2026-12-02T01:00:00Z'))).toBe(
      '2026-12-01 22:00 – 2026-12-02 01:00 UTC',
    )
  })
})

describe('runFailedTitle', () => {
  const run = { dryRun: false, phaseName: 'Schema', environmentName: 'production' }
  it('says what failed: a run, a dry run, or a rollback', () => {
    expect(runFailedTitle(run, 'FAILED')).toBe('Run of Schema on production failed')
    expect(runFailedTitle({ ...run, dryRun: true }, 'FAILED')).toBe('Dry run of Schema on production failed')
    expect(runFailedTitle(run, 'ROLLBACK_FAILED')).toBe('Rollback of the run of Schema on production failed')
  })
})

describe('internalHref', () => {
  it('keeps app paths and refuses anything that leaves the app', () => {
    expect(internalHref('/runs/0190-abc')).toBe('/runs/0190-abc')
    expect(internalHref('/windows')).toBe('/windows')
    for (const href of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', ''])
      expect(internalHref(href)).toBe('/notifications')
  })
})

describe('noticeEmailText', () => {
  it('is the body, an absolute link to where the notice leads, and how to stop these emails', () => {
    expect(noticeEmailText({ body: 'Step “Bad” failed', href: '/runs/42' }, 'Failed runs', 'https://ls.example')).toBe(
      [
        'Step “Bad” failed',
        '',
        'Open it in Lockstep: https://ls.example/runs/42',
        '',
        '-- ',
        'You get this email because you chose to receive “Failed runs” by email.',
        'To stop, untick it under Email on https://ls.example/notifications',
        '',
      ].join('\n'),
    )
  })

  it('leaves out an empty body, and links only inside Lockstep', () => {
    const text = noticeEmailText({ body: ' ', href: '//evil.example/x' }, 'Drift found', 'http://localhost:3000')
    expect(text.startsWith('Open it in Lockstep: http://localhost:3000/notifications\n')).toBe(true)
  })
})
