'use client'

import { useState } from 'react'
import { ActionForm, type FormAction } from '@/components/ui/action-form'
import { Field, Input, Select } from '@/components/ui/field'
import type { ConnectionDTO } from '@/lib/server/connections/queries'

const SSL_MODES = ['prefer', 'disable', 'require', 'verify-full'] as const

/** Adds or edits a connection. A saved password is never sent back: leave it blank to keep it. */
export function ConnectionForm({ action, environmentId, initial, idPrefix, onSuccess }: { action: FormAction; environmentId: string; initial?: ConnectionDTO; idPrefix: string; onSuccess?: () => void }) {
  const [engine, setEngine] = useState<'POSTGRES' | 'SQLITE'>(initial?.engine ?? 'POSTGRES')
  const id = (name: string) => `${idPrefix}-${name}`
  const hidden: Record<string, string> = { environmentId, engine, ...(initial ? { connectionId: initial.id } : {}) }
  return (
    <ActionForm action={action} hidden={hidden} submitLabel={initial ? 'Save connection' : 'Add connection'} onSuccess={onSuccess}>
      {(errors) => (
        <div className="grid gap-3 md:grid-cols-4">
          <Field label="Name" name="name" id={id('name')} errors={errors?.name}>
            <Input name="name" id={id('name')} maxLength={100} defaultValue={initial?.name} invalid={!!errors?.name} placeholder="e.g. orders primary" />
          </Field>
          <Field label="Role" name="role" id={id('role')} errors={errors?.role}>
            <Select name="role" id={id('role')} defaultValue={initial?.role ?? 'TARGET'}>
              <option value="SOURCE">Source</option>
              <option value="TARGET">Target</option>
            </Select>
          </Field>
          <Field label="Engine" name="engine-choice" id={id('engine')}>
            <Select name="engine-choice" id={id('engine')} value={engine} disabled={!!initial} onChange={(e) => setEngine(e.target.value as 'POSTGRES' | 'SQLITE')}>
              <option value="POSTGRES">PostgreSQL</option>
              <option value="SQLITE">SQLite file</option>
            </Select>
          </Field>
          {engine === 'SQLITE' ? (
            <Field label="File (inside the SQLite directory)" name="filePath" id={id('filePath')} errors={errors?.filePath}>
              <Input name="filePath" id={id('filePath')} maxLength={500} defaultValue={initial?.filePath ?? ''} invalid={!!errors?.filePath} placeholder="app.db" />
            </Field>
          ) : (
            <>
              <div className="md:col-span-4">
                <Field label="URL (optional, instead of the fields below)" name="url" id={id('url')} errors={errors?.url}>
                  <Input name="url" id={id('url')} maxLength={2000} autoComplete="off" invalid={!!errors?.url} placeholder="postgresql://user:password@host:5432/database?sslmode=require" />
                </Field>
              </div>
              <Field label="Host" name="host" id={id('host')} errors={errors?.host}>
                <Input name="host" id={id('host')} maxLength={255} defaultValue={initial?.host ?? ''} invalid={!!errors?.host} />
              </Field>
              <Field label="Port" name="port" id={id('port')} errors={errors?.port}>
                <Input name="port" id={id('port')} inputMode="numeric" defaultValue={initial?.port ?? ''} placeholder="5432" invalid={!!errors?.port} />
              </Field>
              <Field label="Database" name="database" id={id('database')} errors={errors?.database}>
                <Input name="database" id={id('database')} maxLength={63} defaultValue={initial?.database ?? ''} invalid={!!errors?.database} />
              </Field>
              <Field label="User" name="username" id={id('username')} errors={errors?.username}>
                <Input name="username" id={id('username')} maxLength={63} defaultValue={initial?.username ?? ''} autoComplete="off" invalid={!!errors?.username} />
              </Field>
              <Field label="Password" name="password" id={id('password')} errors={errors?.password} hint={initial?.hasPassword ? 'A password is saved; leave blank to keep it.' : undefined}>
                <Input name="password" id={id('password')} type="password" autoComplete="new-password" maxLength={1000} />
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
            </>
          )}
        </div>
      )}
    </ActionForm>
  )
}
