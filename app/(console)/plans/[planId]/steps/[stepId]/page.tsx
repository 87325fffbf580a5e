import type { Metadata } from 'next'
import Link from 'next/link'
import { AcceptChecksumButton, RestoreRevisionButton } from '@/components/plans/revision-actions'
import { ScriptDiff } from '@/components/plans/script-diff'
import { Badge } from '@/components/ui/badge'
import { Button } from '@/components/ui/button'
import { Table, Td, Th } from '@/components/ui/table'
import { Timestamp } from '@/components/ui/timestamp'
import { requirePageActor } from '@/lib/auth/current-user'
import { sideBySide } from '@/lib/server/revisions/diff'
import { loadOrNotFound } from '@/lib/server/load-or-not-found'
import { getStepRevisionsForViewer, type RevisionDTO } from '@/lib/server/revisions/queries'

type Params = Promise<{ planId: string; stepId: string }>
type Search = Promise<Record<string, string | string[] | undefined>>

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const actor = await requirePageActor('plan:read')
  const { planId, stepId } = await params
  const page = await loadOrNotFound(getStepRevisionsForViewer(actor, planId, stepId))
  return { title: `Revisions · ${page.step.name}` }
}

const ORIGINS: Record<string, string> = {
  created: 'written',
  edited: 'edited',
  imported: 'imported',
  restored: 'restored',
  existing: 'text before revisions were kept',
}

const numberParam = (value: string | string[] | undefined) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : null

export default async function StepRevisionsPage({ params, searchParams }: { params: Params; searchParams: Search }) {
  const actor = await requirePageActor('plan:read')
  const { planId, stepId } = await params
  const query = await searchParams
  const page = await loadOrNotFound(getStepRevisionsForViewer(actor, planId, stepId))
  const { step, revisions } = page
  const byNumber = (n: number | null) => revisions.find((r) => r.number === n)
  const current = byNumber(page.currentNumber) ?? revisions[0]
  const to = byNumber(numberParam(query.to)) ?? current
  const from = byNumber(numberParam(query.from)) ?? revisions.find((r) => to && r.number < to.number) ?? to
  const base = `/plans/${step.planId}/steps/${step.id}`
  const compareHref = (a: RevisionDTO, b: RevisionDTO) => `${base}?from=${a.number}&to=${b.number}#diff`
  return (
    <article className="space-y-8">
      <header className="space-y-2">
        <p className="text-sm">
          <Link href={`/plans/${step.planId}`} className="text-indigo-700 hover:underline">
            ← {step.planTitle}
          </Link>
        </p>
        <h1 className="text-2xl font-semibold tracking-tight break-words">Revisions of “{step.name}”</h1>
        <p className="max-w-3xl text-sm text-zinc-600">
          Every save of this step&apos;s script or rollback script is kept. A run records the script&apos;s checksum in
          the target&apos;s history, and refuses a script that changed after it ran there: an applied script is not
          edited. {step.phaseName ? `Phase: ${step.phaseName}.` : ''}
          {step.isRemoved ? ' This step was removed from its phase.' : ''}
        </p>
      </header>

      <section aria-labelledby="where-ran" className="space-y-3">
        <h2 id="where-ran" className="text-lg font-semibold">
          Where it ran
        </h2>
        {page.applied.length === 0 ? (
          <p className="text-sm text-zinc-600">This script is not applied on any environment.</p>
        ) : (
          <Table caption="Environments where the script is applied">
            <thead>
              <tr>
                <Th>Environment</Th>
                <Th>Revision that ran</Th>
                <Th>Run</Th>
                <Th>Now</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {page.applied.map((a) => {
                const ran = byNumber(a.revisionNumber)
                return (
                  <tr key={a.environmentId} data-testid="applied-on">
                    <Td className="font-medium">{a.environmentName}</Td>
                    <Td>{ran ? `Revision ${ran.number}` : 'a text saved before revisions were kept'}</Td>
                    <Td>
                      <Link href={`/runs/${a.runId}`} className="text-indigo-700 hover:underline">
                        <Timestamp iso={a.at} />
                      </Link>
                    </Td>
                    <Td className="space-y-2">
                      {!a.isChanged ? (
                        <Badge tone="success">matches the current script</Badge>
                      ) : (
                        <>
                          <p>
                            <Badge tone="warning">changed since it ran</Badge>{' '}
                            {ran && current ? (
                              <Link href={compareHref(ran, current)} className="text-indigo-700 underline">
                                Diff applied → current
                              </Link>
                            ) : null}
                          </p>
                          {a.accepted ? (
                            <p className="text-xs text-zinc-700" data-testid="accepted-checksum">
                              New checksum accepted by {a.accepted.byName} (<Timestamp iso={a.accepted.at} />
                              ): “{a.accepted.reason}”. The next run here records it without running the script again.
                            </p>
                          ) : (
                            <>
                              <p className="text-xs text-zinc-600">
                                A run on {a.environmentName} refuses the current script until a DBA accepts its new
                                checksum.
                              </p>
                              {page.canAccept ? (
                                <AcceptChecksumButton
                                  stepId={step.id}
                                  environmentId={a.environmentId}
                                  environmentName={a.environmentName}
                                />
                              ) : null}
                            </>
                          )}
                        </>
                      )}
                    </Td>
                  </tr>
                )
              })}
            </tbody>
          </Table>
        )}
      </section>

      {from && to ? (
        <section aria-labelledby="diff" className="space-y-3">
          <h2 id="diff" className="text-lg font-semibold">
            Compare
          </h2>
          <form method="get" action={base} className="flex flex-wrap items-end gap-3 text-sm">
            <RevisionSelect name="from" label="From" revisions={revisions} chosen={from.number} />
            <RevisionSelect name="to" label="To" revisions={revisions} chosen={to.number} />
            <Button type="submit" size="sm" variant="secondary">
              Compare
            </Button>
          </form>
          <ScriptDiff
            rows={sideBySide(from.body, to.body)}
            leftLabel={`${revisionLabel(from)} · script`}
            rightLabel={`${revisionLabel(to)} · script`}
            caption={`Script: revision ${from.number} against revision ${to.number}`}
          />
          {from.rollbackBody !== to.rollbackBody ? (
            <ScriptDiff
              rows={sideBySide(from.rollbackBody ?? '', to.rollbackBody ?? '')}
              leftLabel={`${revisionLabel(from)} · rollback script`}
              rightLabel={`${revisionLabel(to)} · rollback script`}
              caption={`Rollback script: revision ${from.number} against revision ${to.number}`}
            />
          ) : (
            <p className="text-xs text-zinc-600">The rollback scripts are identical.</p>
          )}
          {page.canRestore && !from.isCurrent ? (
            <RestoreRevisionButton
              stepId={step.id}
              revisionId={from.id}
              number={from.number}
              appliedOn={page.applied.filter((a) => a.revisionNumber !== from.number).map((a) => a.environmentName)}
            />
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="revisions" className="space-y-3">
        <h2 id="revisions" className="text-lg font-semibold">
          Revisions
        </h2>
        <ol className="space-y-2">
          {revisions.map((r) => (
            <li
              key={r.id}
              data-testid="revision"
              className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm"
            >
              <span className="font-medium">Revision {r.number}</span>
              {r.isCurrent ? <Badge tone="info">current</Badge> : null}
              <span className="text-zinc-600">
                {ORIGINS[r.origin] ?? r.origin}
                {r.restoredFrom ? ` from revision ${r.restoredFrom}` : ''} by {r.authorLabel} ·{' '}
                <Timestamp iso={r.createdAt} />
              </span>
              <code className="text-xs text-zinc-500" title="scripts checksum">
                {r.scriptsChecksum.slice(0, 12)}
              </code>
              {r.ranOn.map((a) => (
                <Link key={a.runId} href={`/runs/${a.runId}`} className="hover:underline">
                  <Badge tone="success">ran on {a.environmentName}</Badge>
                </Link>
              ))}
              {current && !r.isCurrent ? (
                <Link href={compareHref(r, current)} className="text-indigo-700 hover:underline">
                  Compare with current<span className="sr-only"> (revision {r.number})</span>
                </Link>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
    </article>
  )
}

const revisionLabel = (r: RevisionDTO) => `Revision ${r.number}${r.isCurrent ? ' (current)' : ''}`

/** One end of the comparison: every revision of the step, the chosen one selected. */
function RevisionSelect({
  name,
  label,
  revisions,
  chosen,
}: {
  name: string
  label: string
  revisions: RevisionDTO[]
  chosen: number
}) {
  return (
    <label className="space-y-1">
      <span className="block font-medium text-zinc-700">{label}</span>
      <select name={name} defaultValue={chosen} className="rounded-md border border-zinc-300 px-2 py-1.5">
        {revisions.map((r) => (
          <option key={r.id} value={r.number}>
            {revisionLabel(r)}
          </option>
        ))}
      </select>
    </label>
  )
}
