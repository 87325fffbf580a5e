'use client'

import { Button } from '@/components/ui/button'
import { ErrorText } from '@/components/ui/error-text'
import type { InspectionResult } from '@/lib/domain/source-inspection'
import type { SourceEnvironment } from './mapping-sources'
import type { useInspection } from './use-inspection'

const ENGINES = { sqlite: 'SQLite', postgres: 'PostgreSQL' } as const
const STATE_WORDS = {
  REQUESTED: 'asking',
  QUEUED: 'queued for the worker',
  RUNNING: 'counting what the columns hold',
} as const

/** “Read the source”: the environment to read (when there is a choice), the reading's progress and outcome. */
export function SourceReader({
  prefix,
  available,
  environments,
  environmentId,
  onEnvironment,
  reader,
  read,
}: {
  prefix: string
  /** False outside a plan page (no plan to read for). */
  available: boolean
  environments: SourceEnvironment[]
  environmentId: string
  onEnvironment: (id: string) => void
  reader: ReturnType<typeof useInspection>
  read: Extract<InspectionResult, { kind: 'profile' }> | null
}) {
  if (!available) return null
  if (!environments.length)
    return (
      <p className="text-xs text-zinc-600">
        No environment of this plan has a source connection yet: choose one under Environments to read the source. The
        saved entries can be edited without it.
      </p>
    )
  const environment = environments.find((e) => e.id === environmentId)
  const tables = read?.profile.tables.length ?? 0
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap items-end gap-2">
        {environments.length > 1 ? (
          <label className="max-w-full min-w-0 text-xs">
            <span className="mb-1 block font-medium text-zinc-700">Read the source on</span>
            <select
              id={`${prefix}-environment`}
              value={environmentId}
              onChange={(e) => onEnvironment(e.target.value)}
              className="w-full max-w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm sm:w-auto"
            >
              {environments.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                  {e.protected ? ' (protected)' : ''}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <Button
          size="sm"
          variant="secondary"
          disabled={reader.live}
          onClick={() => reader.request({ environmentId, kind: 'profile' })}
        >
          {read ? 'Read the source again' : 'Read the source'}
        </Button>
      </div>
      <p role="status" className="text-xs text-zinc-600" data-testid="source-reading">
        {reader.live && reader.state && reader.state in STATE_WORDS
          ? `Reading the source on ${environment?.name ?? 'the environment'}… (${STATE_WORDS[reader.state as keyof typeof STATE_WORDS]})`
          : read
            ? `Read ${read.source} (${ENGINES[read.engine]}): ${tables} table${tables === 1 ? '' : 's'}, values counted over up to ${read.profile.sampleRows.toLocaleString('en')} rows of each.`
            : environments.length === 1 && environment
              ? `Reads the plan's source on ${environment.name}${environment.protected ? ' (protected: a DBA or admin may read it)' : ''}.`
              : null}
      </p>
      <ErrorText message={reader.failure} className="text-xs" />
    </div>
  )
}
