import { Badge } from '@/components/ui/badge'
import { cn } from '@/components/ui/cn'
import { LOCK_IMPACT_WORDS, lockImpact } from '@/lib/domain/lock-conflicts'
import type { PreviewStatement, PreviewTimeouts, SqlPreview } from '@/lib/domain/run-preview'

// One SQL step as the engine will run it: the transaction brackets (Lockstep's BEGIN … COMMIT, the script's
// own, or none), each statement with its line and the table locks it takes, and the timeouts.

const ms = (n: number) =>
  n >= 60_000 && n % 60_000 === 0 ? `${n / 60_000} min` : n >= 1000 ? `${n / 1000} s` : `${n} ms`

function Timeouts({ t }: { t: PreviewTimeouts }) {
  return (
    <div role="group" aria-label="Timeouts">
      <dl className="grid grid-cols-1 gap-x-6 gap-y-1 text-xs sm:grid-cols-3">
        <div>
          <dt className="inline font-medium text-zinc-500">lock_timeout </dt>
          <dd className="inline">
            <span className="font-mono">{ms(t.lockTimeoutMs)}</span>
            <span className="text-zinc-500"> ({t.lockTimeoutSet ? 'the step’s' : 'default'})</span>
          </dd>
        </div>
        <div>
          <dt className="inline font-medium text-zinc-500">on lock timeout </dt>
          <dd className="inline">
            retried {t.lockRetries} times, after {t.retryBackoffMs.map(ms).join(', ')}
          </dd>
        </div>
        <div>
          <dt className="inline font-medium text-zinc-500">statement_timeout </dt>
          <dd className="inline">
            <span className="font-mono">{ms(t.statementTimeoutMs)}</span>
            <span className="text-zinc-500"> ({t.statementTimeoutSet ? 'the step’s' : 'default'})</span>
          </dd>
        </div>
      </dl>
    </div>
  )
}

const IMPACT_TONE = { reads: 'danger', writes: 'warning', schema: 'neutral', none: 'neutral' } as const

function LockBadges({ s }: { s: PreviewStatement }) {
  if (s.locks.length === 0 && !s.lockUnknown) return <span className="text-xs text-zinc-500">{s.lock}</span>
  return (
    <span className="flex flex-wrap gap-1">
      {s.locks.map((l) => (
        <span key={`${l.table}-${l.mode}`} title={LOCK_IMPACT_WORDS[lockImpact(l.mode)]} data-testid="lock">
          <Badge tone={IMPACT_TONE[lockImpact(l.mode)]}>
            <span className={cn(l.strong && 'font-semibold')}>{l.mode}</span>
            <span className="mx-1" aria-hidden>
              ·
            </span>
            <span className="font-mono break-all">{l.table}</span>
          </Badge>
        </span>
      ))}
      {s.lockUnknown ? (
        <span data-testid="lock">
          <Badge tone="warning">lock unknown</Badge>
        </span>
      ) : null}
    </span>
  )
}

const BRACKET = {
  lockstep: 'border-l-4 border-indigo-300 bg-indigo-50/40',
  script: 'border-l-4 border-violet-300 bg-violet-50/40',
  none: 'border-l-4 border-transparent',
} as const

function Boundary({ sql, note }: { sql: string; note: string }) {
  return (
    <li
      className={cn('flex flex-wrap items-baseline gap-x-3 px-3 py-1 text-xs', BRACKET.lockstep)}
      data-testid="boundary"
    >
      <span className="w-10 shrink-0" aria-hidden />
      <code className="font-mono font-semibold text-indigo-800">{sql}</code>
      <span className="text-zinc-500">{note}</span>
    </li>
  )
}

function StatementRow({ s }: { s: PreviewStatement }) {
  return (
    <li className={cn('px-3 py-2', BRACKET[s.runsIn])} data-testid="statement">
      <div className="flex gap-3">
        <span className="w-10 shrink-0 text-right font-mono text-xs text-zinc-500 tabular-nums">
          <span className="sr-only">line </span>
          {s.line}
        </span>
        <div className="min-w-0 flex-1 space-y-1">
          <pre className="overflow-x-auto font-mono text-xs whitespace-pre-wrap text-zinc-900">{s.sql}</pre>
          <div className="flex flex-wrap items-center gap-2">
            {s.transactionControl ? (
              <span className="text-xs text-violet-800">
                {s.transactionControl === 'begin'
                  ? 'the script’s own transaction begins'
                  : 'the script’s own transaction ends'}
              </span>
            ) : (
              <LockBadges s={s} />
            )}
            {s.destructive ? <Badge tone="danger">can lose data</Badge> : null}
          </div>
          {s.outside && !s.transactionControl ? (
            <p className="text-xs text-amber-800">Outside a transaction: {s.outside}.</p>
          ) : null}
        </div>
      </div>
    </li>
  )
}

export function SqlPreviewView({ sql }: { sql: SqlPreview }) {
  const wrapped = sql.mode === 'lockstep' && sql.statements.length > 0
  return (
    <div className="space-y-3">
      <p className="text-sm">
        {sql.refusal ? (
          <span className="text-red-700">
            Refused before anything runs – line {sql.refusal.line}: {sql.refusal.message}.
          </span>
        ) : (
          <>
            Runs <strong>{sql.description}</strong>. <span className="text-zinc-600">{sql.why}</span>
          </>
        )}
      </p>
      <Timeouts t={sql.timeouts} />
      {sql.statements.length ? (
        <ol
          className="divide-y divide-zinc-100 overflow-hidden rounded-md border border-zinc-200 bg-white"
          aria-label="Statements"
        >
          {wrapped ? <Boundary sql="BEGIN" note="Lockstep's transaction begins" /> : null}
          {sql.statements.map((s) => (
            <StatementRow key={s.index} s={s} />
          ))}
          {wrapped ? (
            <Boundary sql="COMMIT" note="Lockstep's transaction ends; a failure before it rolls back every statement" />
          ) : null}
        </ol>
      ) : null}
      <p className="text-xs text-zinc-500">
        {sql.rollbackStatements === null
          ? 'No rollback script: a failed run of this step cannot be rolled back by Lockstep.'
          : `Rollback script: ${sql.rollbackStatements} statement${sql.rollbackStatements === 1 ? '' : 's'}, run only when a DBA rolls a run back.`}
      </p>
    </div>
  )
}
