// Notice text: short enough for the bell's panel, complete enough to act on without opening the page.

export const NOTICE_BODY_MAX = 300

/** Text on one line, at most NOTICE_BODY_MAX characters (a cut is marked with an ellipsis). */
export function clipNotice(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > NOTICE_BODY_MAX ? `${flat.slice(0, NOTICE_BODY_MAX - 1).trimEnd()}…` : flat
}

/** The first line of an error, clipped: a driver's stack or a script's echo below it is noise in a notice. */
export function noticeBody(error: string | null | undefined): string {
  return clipNotice((error ?? '').trim().split(/\r?\n/, 1)[0] ?? '')
}

/** A window's span as people read it in notices: `2026-12-01 02:00 – 04:00 UTC`, or both dates when it crosses midnight. */
export function windowSpan(startsAt: Date, endsAt: Date): string {
  const [start, end] = [startsAt.toISOString(), endsAt.toISOString()]
  const sameDay = start.slice(0, 10) === end.slice(0, 10)
  return `${start.slice(0, 10)} ${start.slice(11, 16)} – ${sameDay ? '' : `${end.slice(0, 10)} `}${end.slice(11, 16)} UTC`
}

/** “Run of Schema on production failed”, with the dry run and the rollback said as such. */
export function runFailedTitle(
  run: { dryRun: boolean; phaseName: string; environmentName: string },
  status: 'FAILED' | 'ROLLBACK_FAILED',
): string {
  const what = `${run.dryRun ? 'Dry run' : 'Run'} of ${run.phaseName} on ${run.environmentName}`
  return status === 'FAILED'
    ? `${what} failed`
    : `Rollback of the ${what.charAt(0).toLowerCase()}${what.slice(1)} failed`
}

/** A notice leads only within Lockstep: anything but an app path (`/…`, not `//host`) leads to the notifications page. */
export function internalHref(href: string): string {
  return /^\/(?![/\\])/.test(href) ? href : '/notifications'
}

/**
 * The plain-text email of a notice: its body, an absolute link to where it leads, and how to stop these emails
 * (a mail client shows the part after "-- " as a signature). `publicUrl` has no trailing slash.
 */
export function noticeEmailText(notice: { body: string; href: string }, kindLabel: string, publicUrl: string): string {
  return [
    ...(notice.body.trim() ? [notice.body.trim(), ''] : []),
    `Open it in Lockstep: ${publicUrl}${internalHref(notice.href)}`,
    '',
    '-- ',
    `You get this email because you chose to receive “${kindLabel}” by email.`,
    `To stop, untick it under Email on ${publicUrl}/notifications`,
    '',
  ].join('\n')
}
