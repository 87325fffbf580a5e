import Link from 'next/link'
import type { CutoverDetail, CutoverStage } from '@/lib/domain/sync'
import { clockUtc, downtimeWords } from './sync-figures'

type Stage = Exclude<CutoverStage, 'returned'>

const STAGES: [Stage, string][] = [
  ['waiting-for-quiet', 'Waiting for quiet: no change on the source for the quiet seconds'],
  ['stopping-follower', 'Stopping the follower'],
  ['draining', 'Draining the changes still waiting'],
  ['sequences', 'Setting sequences'],
  ['validating', 'Validating exactly'],
  ['switching', 'Switching'],
  ['switched', 'Switched'],
]

/**
 * A cutover step's stages as they pass, when and how writes stopped, the sequences set, the final validation and –
 * once switched – the downtime, first and large.
 */
export function CutoverPanel({ cutover, planId }: { cutover: CutoverDetail; planId: string }) {
  // A released gate stopped the writes: the cutover never waited for quiet.
  const stages = STAGES.filter(([s]) => s !== 'waiting-for-quiet' || cutover.stoppedBy !== 'gate')
  const reached = stages.findIndex(([s]) => s === cutover.stage)
  return (
    <section
      aria-label="Cutover"
      className="w-full min-w-0 space-y-3 rounded-md border border-zinc-200 bg-zinc-50 p-3"
      data-testid="cutover-panel"
    >
      {cutover.stage === 'switched' && cutover.downtimeMs !== null ? (
        <p className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2" data-testid="cutover-downtime">
          <span className="block text-xs font-medium text-emerald-800 uppercase">Downtime</span>
          <span className="text-2xl font-semibold text-emerald-900 tabular-nums">
            {downtimeWords(cutover.downtimeMs)}
          </span>
          <span className="block text-xs text-emerald-800">
            from when writes stopped to the switch{cutover.switchedAt ? ` at ${clockUtc(cutover.switchedAt)}` : ''}
          </span>
        </p>
      ) : null}
      {cutover.stage === 'returned' ? (
        <p role="alert" className="text-sm text-red-700" data-testid="cutover-returned">
          Returned to syncing{cutover.reason ? `: ${cutover.reason}` : ''}. The sync follows the source again; nothing
          was lost.
        </p>
      ) : (
        <ol className="space-y-1 text-sm" aria-label="Cutover stages" data-testid="cutover-stages">
          {stages.map(([stage, words], i) => {
            const state = i < reached || cutover.stage === 'switched' ? 'done' : i === reached ? 'now' : 'next'
            return (
              <li
                key={stage}
                aria-current={state === 'now' ? 'step' : undefined}
                className={
                  state === 'done'
                    ? 'text-zinc-700'
                    : state === 'now'
                      ? 'font-semibold text-indigo-800'
                      : 'text-zinc-400'
                }
              >
                <span aria-hidden="true" className="inline-block w-5">
                  {state === 'done' ? '✓' : state === 'now' ? '▶' : '·'}
                </span>
                <span className="sr-only">{state === 'done' ? 'Done: ' : state === 'now' ? 'Now: ' : 'Next: '}</span>
                {words}
              </li>
            )
          })}
        </ol>
      )}
      <dl className="grid gap-x-4 gap-y-1 text-xs text-zinc-700 sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium text-zinc-500">Writes stopped</dt>
        <dd data-testid="cutover-writes-stopped">
          {cutover.writesStoppedAt
            ? `${clockUtc(cutover.writesStoppedAt)} – ${
                cutover.stoppedBy === 'gate'
                  ? 'when the manual gate before the cutover was released'
                  : 'once the source made no change for the quiet seconds'
              }`
            : 'not yet'}
        </dd>
        <dt className="font-medium text-zinc-500">Drained</dt>
        <dd>{cutover.drainedAt ? clockUtc(cutover.drainedAt) : 'not yet'}</dd>
        <dt className="font-medium text-zinc-500">Sequences set</dt>
        <dd className="break-words">
          {cutover.sequences.length
            ? cutover.sequences.join(', ')
            : reachedPast(cutover, 'sequences')
              ? 'none to set'
              : 'not yet'}
        </dd>
        <dt className="font-medium text-zinc-500">Final validation</dt>
        <dd>
          {cutover.validationId ? (
            <Link
              href={`/plans/${planId}/validation?v=${cutover.validationId}`}
              className="text-indigo-700 underline hover:no-underline"
            >
              Open the final validation
            </Link>
          ) : (
            'not yet'
          )}
        </dd>
      </dl>
    </section>
  )
}

const ORDER: CutoverStage[] = [
  'waiting-for-quiet',
  'stopping-follower',
  'draining',
  'sequences',
  'validating',
  'switching',
  'switched',
]
const reachedPast = (c: CutoverDetail, stage: CutoverStage) => ORDER.indexOf(c.stage) > ORDER.indexOf(stage)
