'use client'

import Link from 'next/link'
import { useState } from 'react'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Field, Input } from '@/components/ui/field'
import { confirmMfaEnrolmentAction, startMfaEnrolmentAction } from '@/lib/actions/account'

type Enrolment = { secret: string; qrSvg: string }

/** Scan a QR code (or type the key), confirm with a code, then keep the recovery codes – shown this once. */
export function MfaEnrolment({ email, notice }: { email: string; notice: string | null }) {
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null)
  const [code, setCode] = useState('')
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [pending, setPending] = useState(false)

  const start = async () => {
    setPending(true)
    const result = await startMfaEnrolmentAction({})
    setPending(false)
    setError(result.ok ? null : result.error)
    if (result.ok) setEnrolment(result.data)
  }

  const confirm = async () => {
    setPending(true)
    const result = await confirmMfaEnrolmentAction({ code })
    setPending(false)
    if (!result.ok) setError(result.fieldErrors?.code?.[0] ?? result.error)
    else {
      setError(null)
      setRecoveryCodes(result.data.recoveryCodes)
    }
  }

  if (recoveryCodes) {
    return (
      <div className="space-y-3">
        <Alert tone="success">
          Two-factor sign-in is on. From now on, signing in asks for a code from your authenticator.
        </Alert>
        <p>
          <strong className="font-medium">Recovery codes.</strong> Each one signs you in once if you lose your
          authenticator. Keep them somewhere safe, such as a password manager: they are not shown again.
        </p>
        <ul aria-label="Recovery codes" className="grid grid-cols-2 gap-1 rounded-md bg-zinc-50 p-3 font-mono text-sm">
          {recoveryCodes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
        <Link
          href="/"
          className="inline-flex h-9 items-center rounded-md bg-indigo-600 px-4 text-sm font-medium text-white hover:bg-indigo-500"
        >
          I have saved them – continue
        </Link>
      </div>
    )
  }

  if (!enrolment) {
    return (
      <div className="space-y-3">
        {notice ? <Alert tone="info">{notice}</Alert> : null}
        <p>
          You need an authenticator app on your phone or computer (1Password, Google Authenticator, Microsoft
          Authenticator, FreeOTP…).
        </p>
        {error ? <Alert tone="error">{error}</Alert> : null}
        <Button onClick={() => void start()} disabled={pending}>
          {pending ? 'Preparing…' : 'Set up two-factor sign-in'}
        </Button>
      </div>
    )
  }

  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(event) => {
        event.preventDefault()
        void confirm()
      }}
    >
      {notice ? <Alert tone="info">{notice}</Alert> : null}
      <ol className="list-decimal space-y-3 pl-5">
        <li>
          Scan this QR code with your authenticator app.
          {/* eslint-disable-next-line @next/next/no-img-element -- an inline data: SVG, nothing to optimise */}
          <img
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qrSvg)}`}
            alt={`QR code for Lockstep (${email})`}
            width={176}
            height={176}
            className="mt-2 rounded border border-zinc-200"
          />
          <p className="mt-2 text-zinc-500">
            Cannot scan? Enter this key instead:{' '}
            <code
              data-testid="mfa-secret"
              className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs break-all text-zinc-800"
            >
              {enrolment.secret}
            </code>
          </p>
        </li>
        <li>
          <Field label="Code from the app" name="code" errors={error ? [error] : undefined}>
            <Input
              name="code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              autoComplete="one-time-code"
              inputMode="numeric"
              maxLength={32}
              autoFocus
              invalid={!!error}
            />
          </Field>
        </li>
      </ol>
      <Button type="submit" disabled={pending || !code.trim()}>
        {pending ? 'Checking…' : 'Turn on two-factor sign-in'}
      </Button>
    </form>
  )
}
