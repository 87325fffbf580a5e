'use client'

import { useRouter } from 'next/navigation'
import { useRef, useState, type FormEvent } from 'react'
import { useReauthCode } from '@/components/auth/reauth-code'
import { RoleOptions } from '@/components/admin/role-options'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Field, Input, Select } from '@/components/ui/field'
import { API_SCOPES, SCOPE_DESCRIPTIONS, SCOPE_NAMES } from '@/lib/auth/scopes'
import { createServiceAccountAction, createServiceTokenAction, createTokenAction } from '@/lib/actions/tokens'
import { EXPIRY_LABELS, TOKEN_EXPIRY_DAYS } from '@/lib/domain/token-expiry'
import { TokenSecret } from './token-secret'

type Kind = { kind: 'personal' } | { kind: 'service-account' } | { kind: 'service-token'; userId: string }

/** Creates a token (one's own, a new service account's, or another for a service account) and shows it once. */
export function CreateTokenForm(props: Kind & { submitLabel: string }) {
  const router = useRouter()
  const formRef = useRef<HTMLFormElement>(null)
  const reauth = useReauthCode()
  const [error, setError] = useState<string | null>(null)
  const [errors, setErrors] = useState<Record<string, string[]>>({})
  const [pending, setPending] = useState(false)
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null)
  const idPrefix = props.kind === 'service-token' ? `token-${props.userId}` : props.kind

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    setPending(true)
    const input = { ...Object.fromEntries(new FormData(event.currentTarget)), ...reauth.input }
    const result =
      props.kind === 'personal'
        ? await createTokenAction(input)
        : props.kind === 'service-account'
          ? await createServiceAccountAction(input)
          : await createServiceTokenAction({ ...input, userId: props.userId })
    setPending(false)
    reauth.answered(result)
    if (!result.ok) {
      setError(result.error)
      setErrors(result.fieldErrors ?? {})
      return
    }
    setError(null)
    setErrors({})
    setCreated({ name: result.data.name, secret: result.data.secret })
    formRef.current?.reset()
    router.refresh()
  }

  if (created) return <TokenSecret name={created.name} secret={created.secret} onDone={() => setCreated(null)} />
  const id = (name: string) => `${idPrefix}-${name}`
  return (
    <form ref={formRef} onSubmit={submit} className="space-y-4" noValidate>
      {error ? <Alert tone="error">{error}</Alert> : null}
      <div className="grid gap-4 md:grid-cols-2">
        {props.kind === 'service-account' ? (
          <>
            <Field
              label="Account name"
              name="accountName"
              id={id('accountName')}
              errors={errors.accountName}
              hint="Its email becomes <name>@service.lockstep.invalid; it never signs in."
            >
              <Input
                name="accountName"
                id={id('accountName')}
                required
                maxLength={80}
                invalid={!!errors.accountName}
                autoComplete="off"
              />
            </Field>
            <Field
              label="Role"
              name="role"
              id={id('role')}
              errors={errors.role}
              hint="Its tokens never do more than this role."
            >
              <Select name="role" id={id('role')} defaultValue="LEAD" invalid={!!errors.role}>
                <RoleOptions />
              </Select>
            </Field>
          </>
        ) : null}
        <Field
          label="Token name"
          name="name"
          id={id('name')}
          errors={errors.name}
          hint="Where it is used, such as “GitHub Actions”."
        >
          <Input name="name" id={id('name')} required maxLength={100} invalid={!!errors.name} autoComplete="off" />
        </Field>
        <Field label="Expires" name="expiresInDays" id={id('expiresInDays')} errors={errors.expiresInDays}>
          <Select name="expiresInDays" id={id('expiresInDays')} defaultValue="30" invalid={!!errors.expiresInDays}>
            {TOKEN_EXPIRY_DAYS.map((days) => (
              <option key={days} value={days}>
                {EXPIRY_LABELS[days]}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <fieldset className="space-y-2" aria-describedby={errors.scopes ? id('scopes-error') : undefined}>
        <legend className="text-sm font-medium text-zinc-700">Scopes</legend>
        {API_SCOPES.map((scope) => (
          <label key={scope} className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              name={`scope_${scope}`}
              defaultChecked={scope === 'READ'}
              className="mt-0.5 size-4 accent-indigo-600"
            />
            <span>
              <code className="font-mono font-medium">{SCOPE_NAMES[scope]}</code>{' '}
              <span className="text-zinc-600">– {SCOPE_DESCRIPTIONS[scope]}</span>
            </span>
          </label>
        ))}
        {errors.scopes ? (
          <p id={id('scopes-error')} role="alert" className="text-xs text-red-700">
            {errors.scopes.join(' ')}
          </p>
        ) : null}
      </fieldset>
      {reauth.field}
      <Button type="submit" disabled={pending}>
        {pending ? 'Creating…' : props.submitLabel}
      </Button>
    </form>
  )
}
