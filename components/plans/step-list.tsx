'use client'

import { useState } from 'react'
import { Badge } from '@/components/ui/badge'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { Timestamp } from '@/components/ui/timestamp'
import { overrideLintAction, removeStepAction, setStepReadyAction } from '@/lib/actions/plans'
import type { StepDTO, StepLintDTO } from '@/lib/server/plans/queries'
import { SqlStepForm } from './step-forms'

const KIND_LABELS: Record<StepDTO['kind'], string> = { SQL: 'SQL', COPY: 'Copy', VALIDATE: 'Validate', BACKUP: 'Backup', MANUAL: 'Manual gate', OBSERVE: 'Observe', SCRIPT: 'Script' }

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** The lint verdict in a few words: errors (and whether a DBA accepted them) and warnings. */
export function LintBadge({ lint, accepted }: { lint: Pick<StepLintDTO, 'errors' | 'warnings'> | null; accepted: boolean }) {
  if (!lint) return <span className="text-xs text-zinc-500">not linted</span>
  if (lint.errors > 0) return <Badge tone={accepted ? 'warning' : 'danger'}>{`${plural(lint.errors, 'lint error')}${accepted ? ' · accepted' : ''}`}</Badge>
  if (lint.warnings > 0) return <Badge tone="warning">{plural(lint.warnings, 'lint warning')}</Badge>
  return <Badge tone="success">lint clean</Badge>
}

/** Each statement with the lock it takes and squawk's findings on it. */
function LintTable({ lint }: { lint: StepLintDTO }) {
  return (
    <table className="w-full border-t border-zinc-200 text-xs" aria-label="Lint findings">
      <thead className="bg-zinc-100 text-left text-zinc-600">
        <tr>
          <th className="px-3 py-1 font-medium">Line</th>
          <th className="px-3 py-1 font-medium">Statement</th>
          <th className="px-3 py-1 font-medium">Lock</th>
          <th className="px-3 py-1 font-medium">Findings</th>
        </tr>
      </thead>
      <tbody>
        {lint.statements.map((s) => (
          <tr key={s.line} className="border-t border-zinc-100 align-top">
            <td className="px-3 py-1 tabular-nums">{s.line}</td>
            <td className="max-w-md px-3 py-1">
              <code className="line-clamp-2 font-mono break-all">{s.sql}</code>
              {!s.transactional ? <span className="text-amber-800">runs outside a transaction</span> : null}
            </td>
            <td className="px-3 py-1 whitespace-nowrap">{s.lock}</td>
            <td className="px-3 py-1">
              {s.findings.length === 0 ? (
                <span className="text-zinc-400">none</span>
              ) : (
                <ul className="space-y-1">
                  {s.findings.map((f, i) => (
                    <li key={i}>
                      <span className={f.level === 'error' ? 'font-semibold text-red-700' : 'font-semibold text-amber-800'}>{f.level}</span> <code>{f.rule}</code>: {f.message}
                      {f.help ? <span className="block text-zinc-500">{f.help}</span> : null}
                    </li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function StepItem({ step, canEdit, canAcceptLint }: { step: StepDTO; canEdit: boolean; canAcceptLint: boolean }) {
  const [editing, setEditing] = useState(false)
  const runnable = step.kind !== 'SCRIPT'
  return (
    <li data-testid="step">
      <details className="rounded-md border border-zinc-200 bg-zinc-50 text-sm">
        <summary className="flex cursor-pointer flex-wrap items-center gap-2 px-3 py-1.5">
          <Badge tone={step.kind === 'SCRIPT' ? 'neutral' : 'info'}>{KIND_LABELS[step.kind]}</Badge>
          <span className="font-medium">{step.name}</span>
          {step.kind === 'SCRIPT' ? <span className="text-xs text-zinc-500">kept as a note{step.language ? ` · ${step.language}` : ''}</span> : null}
          {step.isDraft && runnable ? <span className="text-xs text-amber-700">draft</span> : null}
          {step.kind === 'SQL' && !step.isDraft ? <LintBadge lint={step.lint} accepted={!!step.lintOverride} /> : null}
          {step.kind === 'MANUAL' && step.requireChecklist ? <span className="text-xs text-zinc-500">needs the required checklist items done</span> : null}
        </summary>
        {step.body ? <pre className="max-h-96 overflow-auto border-t border-zinc-200 bg-white px-3 py-2 font-mono text-xs whitespace-pre-wrap">{step.body}</pre> : null}
        {step.rollbackBody ? (
          <div className="border-t border-zinc-200">
            <p className="px-3 pt-2 text-xs font-medium text-zinc-600">Rollback script</p>
            <pre className="max-h-48 overflow-auto bg-white px-3 py-2 font-mono text-xs whitespace-pre-wrap">{step.rollbackBody}</pre>
          </div>
        ) : null}
        {step.kind === 'SQL' && (step.statementTimeoutSeconds || step.lockTimeoutMs) ? (
          <p className="border-t border-zinc-200 px-3 py-1 text-xs text-zinc-600">
            {step.statementTimeoutSeconds ? `Statement timeout ${step.statementTimeoutSeconds} s. ` : ''}
            {step.lockTimeoutMs ? `Lock timeout ${step.lockTimeoutMs} ms.` : ''}
          </p>
        ) : null}
        {step.lint ? <LintTable lint={step.lint} /> : null}
        {step.lintOverride ? (
          <p className="border-t border-zinc-200 px-3 py-2 text-xs text-amber-900" data-testid="lint-override">
            Lint errors accepted for protected runs by {step.lintOverride.byName ?? 'a former user'} (<Timestamp iso={step.lintOverride.at} />): “{step.lintOverride.reason}”
          </p>
        ) : null}
      </details>
      {canEdit && runnable ? (
        <div className="flex flex-wrap items-center gap-1 py-0.5">
          {step.kind === 'SQL' ? (
            <Button size="sm" variant="ghost" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
              {editing ? 'Close editor' : 'Edit'}
              <span className="sr-only"> “{step.name}”</span>
            </Button>
          ) : null}
          {step.kind === 'SQL' ? (
            <Button size="sm" variant="ghost" onClick={() => void setStepReadyAction({ stepId: step.id, ready: step.isDraft ? 'on' : '' })}>
              {step.isDraft ? 'Mark ready to run' : 'Back to draft'}
              <span className="sr-only"> “{step.name}”</span>
            </Button>
          ) : null}
          {canAcceptLint && step.lint && step.lint.errors > 0 && !step.lintOverride ? (
            <ConfirmDialog
              triggerLabel={<>Accept lint errors…<span className="sr-only"> of “{step.name}”</span></>}
              triggerVariant="ghost"
              tone="primary"
              title={`Accept the lint errors of “${step.name}”?`}
              description="Error-level findings block runs on protected environments. Accepting them lets this script run there as it is; the reason is kept with the step and in the audit log, and any edit of the script takes the acceptance away."
              note={{ label: 'Why is it safe to run?', hint: 'e.g. the table has 40 rows; the lock lasts milliseconds.' }}
              confirmLabel="Accept"
              onConfirm={async (reason) => {
                const result = await overrideLintAction({ stepId: step.id, reason })
                return result.ok ? null : result.error
              }}
            />
          ) : null}
          <ConfirmDialog
            triggerLabel={<>Remove<span className="sr-only"> “{step.name}”</span></>}
            triggerVariant="ghost"
            title={`Remove “${step.name}”?`}
            description="The step leaves the phase and is not part of new runs. Runs that used it keep showing it."
            confirmLabel="Remove step"
            onConfirm={async () => {
              const result = await removeStepAction({ stepId: step.id })
              return result.ok ? null : result.error
            }}
          />
        </div>
      ) : null}
      {editing ? <SqlStepForm phaseId="" step={step} onSuccess={() => setEditing(false)} /> : null}
    </li>
  )
}

/** A phase's steps and kept scripts, each unfolding to its body, lint findings and actions. */
export function StepList({ steps, label, canEdit = false, canAcceptLint = false }: { steps: StepDTO[]; label: string; canEdit?: boolean; canAcceptLint?: boolean }) {
  if (steps.length === 0) return null
  return (
    <ul className="space-y-1" aria-label={label}>
      {steps.map((step) => (
        <StepItem key={step.id} step={step} canEdit={canEdit} canAcceptLint={canAcceptLint} />
      ))}
    </ul>
  )
}
