import { z } from 'zod'
import { blankToNull, longText, requiredText, ZId } from '@/lib/server/fields'
import { ZReauthCode } from '@/lib/server/users/schemas'

// Times are entered and shown in UTC: a form's "2026-12-01T02:00" is 02:00 UTC.
const asUtc = (value: unknown) => {
  const v = blankToNull(value)
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v) ? `${v}Z` : v
}
const instant = (what: string) =>
  z.preprocess(
    asUtc,
    z.coerce.date(`Enter ${what}.`).refine((d) => !Number.isNaN(+d), `Enter ${what}.`),
  )
const optionalInstant = z.preprocess(asUtc, z.coerce.date('Enter a time.').nullable())

export const MAX_WINDOW_HOURS = 72

export const ZRequestWindow = z
  .object({
    environmentId: ZId,
    planId: ZId,
    phaseId: z.preprocess(blankToNull, ZId.nullable()),
    startsAt: instant('when the window starts'),
    endsAt: instant('when the window ends'),
    // Blank: runs may start until the end.
    latestStartAt: optionalInstant,
    reason: requiredText('the reason', 2_000),
    expectedImpact: longText(2_000),
  })
  .superRefine((w, ctx) => {
    if (w.endsAt <= w.startsAt)
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'The end must be after the start.' })
    else if (+w.endsAt - +w.startsAt > MAX_WINDOW_HOURS * 3_600_000)
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: `A window lasts at most ${MAX_WINDOW_HOURS} hours.` })
    if (w.latestStartAt && (w.latestStartAt < w.startsAt || w.latestStartAt > w.endsAt))
      ctx.addIssue({ code: 'custom', path: ['latestStartAt'], message: 'The latest start must lie within the window.' })
  })
export type TRequestWindow = z.infer<typeof ZRequestWindow>

export const ZDecideWindow = z.object({
  windowId: ZId,
  note: longText(2_000),
  // For a protected environment: its name, typed to confirm.
  confirm: z.string().max(100).default(''),
  // On a protected environment, when the last code is older than 15 minutes: a fresh one.
  code: ZReauthCode,
})
export type TDecideWindow = z.infer<typeof ZDecideWindow>
export const ZRejectWindow = z.object({ windowId: ZId, note: requiredText('why it is rejected', 2_000) })
export type TRejectWindow = z.infer<typeof ZRejectWindow>
export const ZWindowId = z.object({ windowId: ZId })
