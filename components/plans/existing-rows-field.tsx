'use client'

import { useState } from 'react'
import { ErrorText } from '@/components/ui/error-text'
import type { CopyConfig, ExistingRowsChoice } from '@/lib/domain/step-kinds'

type Errors = Record<string, string[]> | undefined

const CHOICES: { value: ExistingRowsChoice; label: string; detail: string }[] = [
  {
    value: 'refuse',
    label: 'Stop and name them',
    detail: 'the step fails before changing anything, listing each table and its rows',
  },
  {
    value: 'empty',
    label: 'Empty them first',
    detail: 'every row already in the copied tables is deleted, in the transaction that starts the copy',
  },
  {
    value: 'merge',
    label: 'Merge by primary key',
    detail:
      "a source row replaces the target's row with the same key; the target's other rows stay (validation lists them as extra)",
  },
]

/** The tables a person confirms will be emptied, as the tables field names them (empty: all of the source's). */
const namedTables = (text: string) => [
  ...new Set(
    text
      .split(/[,\n]/)
      .map((t) => t.trim())
      .filter(Boolean),
  ),
]

/**
 * For a copy into existing tables: what happens to tables that already have rows (a schema made by the
 * application's own migrations often seeds a few). "Empty them first" asks for an explicit confirmation that
 * names the tables; a change of the tables or of the choice asks for it again.
 */
export function ExistingRowsField({
  prefix,
  errors,
  config,
  tablesText,
}: {
  prefix: string
  errors: Errors
  config: CopyConfig
  tablesText: string
}) {
  const [choice, setChoice] = useState<ExistingRowsChoice>(config.existingRows)
  const [confirmed, setConfirmed] = useState({ tables: tablesText, checked: config.emptyConfirmed })
  const isConfirmed = confirmed.checked && confirmed.tables === tablesText
  const tables = namedTables(tablesText)
  return (
    <fieldset className="space-y-1 rounded-md border border-zinc-200 p-3 text-sm" data-testid="existing-rows">
      <legend className="px-1 font-medium">Rows already on the target</legend>
      <p className="text-xs text-zinc-500">
        When a table to copy into already has rows – seeded by the application&apos;s migrations, say:
      </p>
      {CHOICES.map((c) => (
        <label key={c.value} className="flex items-start gap-2">
          <input
            type="radio"
            name="existingRows"
            value={c.value}
            checked={choice === c.value}
            onChange={() => setChoice(c.value)}
            className="mt-1 size-4 shrink-0 accent-indigo-600"
          />
          <span>
            {c.label} <span className="text-zinc-500">– {c.detail}</span>
          </span>
        </label>
      ))}
      <ErrorText message={errors?.existingRows?.[0] ?? null} />
      {choice === 'empty' ? (
        <div className="mt-2 space-y-1 rounded-md border border-red-200 bg-red-50 p-2">
          <label className="flex items-start gap-2 text-red-900">
            <input
              type="checkbox"
              name="confirmEmpty"
              id={`${prefix}-confirm-empty`}
              checked={isConfirmed}
              onChange={(e) => setConfirmed({ tables: tablesText, checked: e.target.checked })}
              aria-invalid={!!errors?.confirmEmpty || undefined}
              className="mt-1 size-4 shrink-0 accent-red-700"
            />
            <span>
              I confirm that every row already in{' '}
              {tables.length ? (
                <>
                  {tables.length === 1 ? 'the table ' : 'the tables '}
                  {tables.map((t, i) => (
                    <span key={t}>
                      {i ? ', ' : ''}
                      <strong className="font-mono break-words">{t}</strong>
                    </span>
                  ))}
                </>
              ) : (
                <strong>every table the copy fills (all of the source&apos;s)</strong>
              )}{' '}
              on the target is deleted before the load, on every environment this step runs on.
            </span>
          </label>
          <ErrorText message={errors?.confirmEmpty?.[0] ?? null} />
        </div>
      ) : null}
    </fieldset>
  )
}
