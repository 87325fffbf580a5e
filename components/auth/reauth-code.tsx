'use client'

import { useState } from 'react'
import { Field, Input } from '@/components/ui/field'

type Answer = { ok: boolean; reauthenticate?: true } | undefined

/**
 * For forms that change production: once the server answers that it needs a fresh code from the
 * authenticator (every 15 minutes), a code field appears, and the next submit sends the code with the form.
 */
export function useReauthCode() {
  const [asked, setAsked] = useState(false)
  const [code, setCode] = useState('')
  return {
    asked,
    /** Spread into the action's input. */
    input: asked && code.trim() ? { code: code.trim() } : {},
    /** Call with each answer: keeps the field while the server still asks for a code. */
    answered(result: Answer) {
      setAsked(!!result && !result.ok && !!result.reauthenticate)
      setCode('')
    },
    field: asked ? (
      <div className="w-full max-w-xs">
        <Field
          label="Code from your authenticator"
          name="reauth-code"
          hint="Changing production needs a code entered in the last 15 minutes."
        >
          <Input
            name="reauth-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoComplete="one-time-code"
            maxLength={32}
            autoFocus
            spellCheck={false}
          />
        </Field>
      </div>
    ) : null,
  }
}
