'use client'

import Link from 'next/link'
import { useState } from 'react'
import { Badge } from '@/components/ui/badge'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import {
  deleteConnectionAction,
  introspectConnectionAction,
  testConnectionAction,
  updateConnectionAction,
} from '@/lib/actions/connections'
import type { ConnectionDTO } from '@/lib/server/connections/queries'
import type { Introspection, ProbeResult } from '@/lib/domain/connection-probe'
import { ConnectionForm } from './connection-form'
import { ErrorText } from '@/components/ui/error-text'

export function ConnectionRow({
  connection: c,
  environmentId,
  canManage,
  canAllowOwnServer,
}: {
  connection: ConnectionDTO
  environmentId: string
  canManage: boolean
  canAllowOwnServer: boolean
}) {
  const [probe, setProbe] = useState<ProbeResult | { ok: false; message: string } | null>(null)
  const [schema, setSchema] = useState<Introspection | null>(null)
  const [busy, setBusy] = useState<'test' | 'introspect' | null>(null)
  const [editing, setEditing] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const test = async () => {
    setBusy('test')
    setProbe(null)
    const result = await testConnectionAction({ connectionId: c.id })
    setBusy(null)
    setProbe(result.ok ? result.data : { ok: false, message: result.error })
  }
  const introspect = async () => {
    setBusy('introspect')
    setError(null)
    const result = await introspectConnectionAction({ connectionId: c.id })
    setBusy(null)
    if (result.ok) setSchema(result.data)
    else setError(result.error)
  }

  return (
    <li className="space-y-2 py-3" data-testid="connection">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium">{c.name}</span>
        <Badge tone={c.role === 'SOURCE' ? 'neutral' : 'info'}>{c.role === 'SOURCE' ? 'Source' : 'Target'}</Badge>
        <span className="min-w-0 font-mono text-xs wrap-anywhere text-zinc-600">{c.display}</span>
        {c.engine === 'POSTGRES' ? <span className="text-xs text-zinc-500">ssl {c.sslMode}</span> : null}
        {c.ownServerAllowed ? <Badge tone="warning">{"Lockstep's own server: allowed by an admin"}</Badge> : null}
        <span className="ml-auto flex flex-wrap gap-1">
          <Button size="sm" variant="secondary" disabled={busy !== null} onClick={() => void test()}>
            {busy === 'test' ? 'Testing…' : 'Test connection'}
            <span className="sr-only"> {c.name}</span>
          </Button>
          <Button size="sm" variant="ghost" disabled={busy !== null} onClick={() => void introspect()}>
            {busy === 'introspect' ? 'Reading…' : 'Show schema'}
          </Button>
          <Link
            href={`/connections/${c.id}/monitor`}
            className="inline-flex items-center rounded-md px-2.5 py-1 text-sm font-medium text-indigo-700 hover:bg-indigo-50"
          >
            Monitor<span className="sr-only"> {c.name}</span>
          </Link>
          {canManage ? (
            <>
              <Button size="sm" variant="ghost" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
                {editing ? 'Close' : 'Edit'}
              </Button>
              <ConfirmDialog
                triggerLabel={
                  <>
                    Remove<span className="sr-only"> {c.name}</span>
                  </>
                }
                triggerVariant="ghost"
                title={`Remove the connection “${c.name}”?`}
                description="Its stored credentials are deleted. Plans that use it must be pointed elsewhere first."
                confirmLabel="Remove"
                onConfirm={async () => {
                  const result = await deleteConnectionAction({ connectionId: c.id })
                  return result.ok ? null : result.error
                }}
              />
            </>
          ) : null}
        </span>
      </div>
      {probe ? (
        probe.ok ? (
          <p className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800" data-testid="probe-result">
            Connected: {probe.serverVersion} · {probe.latencyMs} ms round trip{probe.user ? ` · as ${probe.user}` : ''}{' '}
            · may: {probe.privileges.join(', ') || 'nothing beyond connecting'}
          </p>
        ) : (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="probe-result">
            {probe.message}
          </p>
        )
      ) : null}
      <ErrorText message={error} />
      {schema ? <SchemaView schema={schema} /> : null}
      {editing && canManage ? (
        <div className="rounded-md border border-zinc-200 p-3">
          <ConnectionForm
            action={updateConnectionAction}
            environmentId={environmentId}
            initial={c}
            idPrefix={`edit-${c.id}`}
            onSuccess={() => setEditing(false)}
            canAllowOwnServer={canAllowOwnServer}
          />
        </div>
      ) : null}
    </li>
  )
}

function SchemaView({ schema }: { schema: Introspection }) {
  if (schema.tables.length === 0) return <p className="text-sm text-zinc-500">No tables.</p>
  return (
    <div className="space-y-1 text-sm" data-testid="schema">
      <p className="text-zinc-600">{schema.tables.length} tables</p>
      {schema.tables.map((t) => (
        <details key={`${t.schema}.${t.name}`} className="rounded-md border border-zinc-200 bg-white">
          <summary className="cursor-pointer px-3 py-1.5">
            <span className="font-mono">
              {t.schema === 'public' || t.schema === 'main' ? '' : `${t.schema}.`}
              {t.name}
            </span>{' '}
            <span className="text-xs text-zinc-500">
              ~{t.rowEstimate.toLocaleString('en')} rows · {t.columns.length} columns
              {t.primaryKey.length ? ` · key (${t.primaryKey.join(', ')})` : ' · no primary key'}
            </span>
          </summary>
          <div className="space-y-2 border-t border-zinc-100 px-3 py-2 text-xs">
            <ul className="font-mono">
              {t.columns.map((col) => (
                <li key={col.name}>
                  {col.name} <span className="text-zinc-500">{col.type}</span>
                  {col.nullable ? '' : ' not null'}
                  {col.default ? <span className="text-zinc-500"> default {col.default}</span> : null}
                </li>
              ))}
            </ul>
            {t.foreignKeys.length ? (
              <p className="font-mono text-zinc-600">{t.foreignKeys.map((f) => f.definition).join(' · ')}</p>
            ) : null}
            {t.indexes.length ? (
              <p className="font-mono text-zinc-600">{t.indexes.map((i) => i.name).join(', ')}</p>
            ) : null}
          </div>
        </details>
      ))}
    </div>
  )
}
