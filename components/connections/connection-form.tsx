'use client'

import { useState, type FormEvent } from 'react'
import { ActionForm, type FormAction } from '@/components/ui/action-form'
import { Field, Input, Select } from '@/components/ui/field'
import { passwordRetypeReason, SSL_MODES, type Endpoint } from '@/lib/domain/connection-endpoint'
import type { ConnectionDTO } from '@/lib/server/connections/queries'

/** The endpoint a saved password belongs to, or null when none is saved. */
function savedEndpoint(c: ConnectionDTO | undefined): Endpoint | null {
  if (c?.engine !== 'POSTGRES' || !c.hasPassword) return null
  return {
    host: c.host ?? '',
    port: c.port ?? 5432,
    database: c.database ?? '',
    username: c.username ?? '',
    sslMode: SSL_MODES.find((m) => m === c.sslMode) ?? 'prefer',
  }
}

/** Why the password must be typed again for the fields as they are now (the server decides; this says it early). */
function retypeReasonOf(fields: HTMLElement, saved: Endpoint): string | null {
  const value = (name: string) =>
    fields.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${name}"]`)?.value.trim() ?? ''
  // A URL's parts are merged on the server; a typed password settles it either way.
  if (value('password') || value('url')) return null
  const sslMode = SSL_MODES.find((m) => m === value('sslMode')) ?? 'prefer'
  return passwordRetypeReason(saved, {
    host: value('host'),
    port: Number(value('port') || 5432),
    database: value('database'),
    username: value('username'),
    sslMode,
  })
}

type Props = {
  action: FormAction
  environmentId: string
  initial?: ConnectionDTO
  idPrefix: string
  onSuccess?: () => void
  /** Admins: may let this connection reach Lockstep's own database server. */
  canAllowOwnServer?: boolean
}

/**
 * Adds or edits a connection. A saved password is never sent back: leave it blank to keep it, which the
 * server allows only while the connection keeps its host, port, database and user and its SSL mode.
 */
export function ConnectionForm({
  action,
  environmentId,
  initial,
  idPrefix,
  onSuccess,
  canAllowOwnServer = false,
}: Props) {
  const [engine, setEngine] = useState<'POSTGRES' | 'SQLITE'>(initial?.engine ?? 'POSTGRES')
  const [retype, setRetype] = useState<string | null>(null)
  const saved = savedEndpoint(initial)
  const id = (name: string) => `${idPrefix}-${name}`
  const hidden: Record<string, string> = { environmentId, engine, ...(initial ? { connectionId: initial.id } : {}) }
  const watch = (event: FormEvent<HTMLDivElement>) => {
    if (saved) setRetype(retypeReasonOf(event.currentTarget, saved))
  }
  const passwordHint =
    retype ??
    (saved
      ? 'A password is saved; leave blank to keep it while host, port, database and user stay and the SSL mode is not weakened.'
      : undefined)
  return (
    <ActionForm
      action={action}
      hidden={hidden}
      submitLabel={initial ? 'Save connection' : 'Add connection'}
      onSuccess={onSuccess}
    >
      {(errors) => (
        <div className="grid gap-3 md:grid-cols-4" onChange={watch}>
          <Field label="Name" name="name" id={id('name')} errors={errors?.name}>
            <Input
              name="name"
              id={id('name')}
              maxLength={100}
              defaultValue={initial?.name}
              invalid={!!errors?.name}
              placeholder="e.g. orders primary"
            />
          </Field>
          <Field label="Role" name="role" id={id('role')} errors={errors?.role}>
            <Select name="role" id={id('role')} defaultValue={initial?.role ?? 'TARGET'}>
              <option value="SOURCE">Source</option>
              <option value="TARGET">Target</option>
            </Select>
          </Field>
          <Field label="Engine" name="engine-choice" id={id('engine')}>
            <Select
              name="engine-choice"
              id={id('engine')}
              value={engine}
              disabled={!!initial}
              onChange={(e) => setEngine(e.target.value as 'POSTGRES' | 'SQLITE')}
            >
              <option value="POSTGRES">PostgreSQL</option>
              <option value="SQLITE">SQLite file</option>
            </Select>
          </Field>
          {engine === 'SQLITE' ? (
            <Field
              label="File (inside the SQLite directory)"
              name="filePath"
              id={id('filePath')}
              errors={errors?.filePath}
            >
              <Input
                name="filePath"
                id={id('filePath')}
                maxLength={500}
                defaultValue={initial?.filePath ?? ''}
                invalid={!!errors?.filePath}
                placeholder="app.db"
              />
            </Field>
          ) : (
            <>
              <div className="md:col-span-4">
                <Field
                  label="URL (optional, instead of the fields below)"
                  name="url"
                  id={id('url')}
                  errors={errors?.url}
                >
                  <Input
                    name="url"
                    id={id('url')}
                    maxLength={2000}
                    autoComplete="off"
                    invalid={!!errors?.url}
                    placeholder="postgresql://user:password@host:5432/database?sslmode=require"
                  />
                </Field>
              </div>
              <Field label="Host" name="host" id={id('host')} errors={errors?.host}>
                <Input
                  name="host"
                  id={id('host')}
                  maxLength={255}
                  defaultValue={initial?.host ?? ''}
                  invalid={!!errors?.host}
                />
              </Field>
              <Field label="Port" name="port" id={id('port')} errors={errors?.port}>
                <Input
                  name="port"
                  id={id('port')}
                  inputMode="numeric"
                  defaultValue={initial?.port ?? ''}
                  placeholder="5432"
                  invalid={!!errors?.port}
                />
              </Field>
              <Field label="Database" name="database" id={id('database')} errors={errors?.database}>
                <Input
                  name="database"
                  id={id('database')}
                  maxLength={63}
                  defaultValue={initial?.database ?? ''}
                  invalid={!!errors?.database}
                />
              </Field>
              <Field label="User" name="username" id={id('username')} errors={errors?.username}>
                <Input
                  name="username"
                  id={id('username')}
                  maxLength={63}
                  defaultValue={initial?.username ?? ''}
                  autoComplete="off"
                  invalid={!!errors?.username}
                />
              </Field>
              <Field label="Password" name="password" id={id('password')} errors={errors?.password} hint={passwordHint}>
                <Input
                  name="password"
                  id={id('password')}
                  type="password"
                  autoComplete="new-password"
                  maxLength={1000}
                  invalid={!!errors?.password}
                />
              </Field>
              <Field label="SSL mode" name="sslMode" id={id('sslMode')} errors={errors?.sslMode}>
                <Select name="sslMode" id={id('sslMode')} defaultValue={initial?.sslMode ?? 'prefer'}>
                  {SSL_MODES.map((m) => (
                    <option key={m} value={m}>
                      {m}
                    </option>
                  ))}
                </Select>
              </Field>
              {canAllowOwnServer ? (
                <div className="md:col-span-2">
                  <Field
                    label="Lockstep's own database server"
                    name="ownServer"
                    id={id('ownServer')}
                    errors={errors?.ownServer}
                    hint="Admins only. Allow it for a database on the server Lockstep keeps its own data in (like the demo database); connections are refused there otherwise."
                  >
                    <Select
                      name="ownServer"
                      id={id('ownServer')}
                      defaultValue={initial?.ownServerAllowed ? 'allow' : 'refuse'}
                    >
                      <option value="refuse">Not allowed</option>
                      <option value="allow">Allowed for this connection</option>
                    </Select>
                  </Field>
                </div>
              ) : null}
            </>
          )}
          {initial ? (
            <p className="text-xs text-zinc-500 md:col-span-4">
              “Test connection” always uses the saved settings: save first, then test.
            </p>
          ) : null}
        </div>
      )}
    </ActionForm>
  )
}
