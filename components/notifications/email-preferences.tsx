'use client'

import { useActionState, useState } from 'react'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { submitKeepingInput } from '@/components/ui/keep-input'
import { saveEmailPreferencesAction } from '@/lib/actions/notifications'
import type { EmailPreferencesDTO } from '@/lib/server/notifications/preferences'

/** One checkbox per kind of notice: also send it to me by email. Saved together, with one button. */
export function EmailPreferences({ preferences }: { preferences: EmailPreferencesDTO }) {
  const [state, formAction, pending] = useActionState(saveEmailPreferencesAction, null)
  // Controlled, so what is ticked stays as saved (or as the person left it when a save was refused).
  const [ticked, setTicked] = useState(
    () => new Set(preferences.kinds.filter((k) => k.email).map((k) => k.kind as string)),
  )
  const toggle = (kind: string, on: boolean) =>
    setTicked((before) => {
      const next = new Set(before)
      if (on) next.add(kind)
      else next.delete(kind)
      return next
    })
  return (
    <section
      id="email"
      aria-labelledby="email-heading"
      className="mt-8 scroll-mt-20 rounded-lg border border-zinc-200 bg-white shadow-xs"
    >
      <div className="border-b border-zinc-100 px-5 py-4">
        <h2 id="email-heading" className="text-base font-semibold text-zinc-900">
          Email
        </h2>
        <p className="mt-0.5 text-sm text-zinc-500">
          Also get these notices by email, at <span className="font-medium text-zinc-700">{preferences.address}</span>.
          Each email links to where the notice leads; the bell keeps them either way.
        </p>
      </div>
      <form onSubmit={submitKeepingInput(formAction)} className="space-y-4 px-5 py-4" noValidate>
        {preferences.isEmailOn ? null : (
          <Alert tone="info">
            Email is not set up on this Lockstep (an administrator sets SMTP_URL), so no email is sent. What you tick is
            kept and applies once it is.
          </Alert>
        )}
        <fieldset>
          <legend className="text-sm font-medium text-zinc-900">Email me about</legend>
          <ul className="mt-2 divide-y divide-zinc-100">
            {preferences.kinds.map((k) => (
              <li key={k.kind} className="flex items-start gap-3 py-2.5 text-sm">
                <input
                  id={`email-${k.kind}`}
                  type="checkbox"
                  name={k.kind}
                  checked={ticked.has(k.kind)}
                  onChange={(event) => toggle(k.kind, event.target.checked)}
                  aria-describedby={`email-${k.kind}-description`}
                  className="mt-0.5 size-4 shrink-0 accent-indigo-600"
                />
                <div>
                  <label htmlFor={`email-${k.kind}`} className="block font-medium text-zinc-900">
                    {k.label}
                  </label>
                  <p id={`email-${k.kind}-description`} className="text-zinc-600">
                    {k.description}
                  </p>
                </div>
              </li>
            ))}
          </ul>
        </fieldset>
        {state ? <Alert tone={state.ok ? 'success' : 'error'}>{state.ok ? state.message : state.error}</Alert> : null}
        <Button type="submit" size="sm" disabled={pending}>
          {pending ? 'Saving…' : 'Save email choices'}
        </Button>
      </form>
    </section>
  )
}
