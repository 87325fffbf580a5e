import type { Metadata } from 'next'
import Link from 'next/link'
import { ActivityFeed } from '@/components/plans/activity-feed'
import { AddPhaseForm } from '@/components/plans/add-phase-form'
import { CriteriaAndTriggers } from '@/components/plans/criteria-and-triggers'
import { MappingSources } from '@/components/plans/mapping-sources'
import { PhaseCard } from '@/components/plans/phase-card'
import { PlanActions } from '@/components/plans/plan-actions'
import { PlanChecklists } from '@/components/plans/plan-checklists'
import { PhaseRun } from '@/components/plans/phase-run'
import { PlanEnvironments } from '@/components/plans/plan-environments'
import { PromotionGrid } from '@/components/plans/promotion-grid'
import { PlanSyncs } from '@/components/plans/plan-syncs'
import { PlanHealth } from '@/components/monitoring/plan-health'
import { PlanDrift } from '@/components/drift/plan-drift'
import { getPlanDrift } from '@/lib/server/drift/queries'
import { PlanBackups } from '@/components/backups/plan-backups'
import { PhaseRehearsals } from '@/components/rehearsals/phase-rehearsals'
import { RiskRegister } from '@/components/plans/risk-register'
import { RollbackPlanSummaryView } from '@/components/plans/rollback-plan'
import { StepList } from '@/components/plans/step-list'
import { PlanStatusBadge } from '@/components/plans/status'
import { Timeline } from '@/components/plans/timeline'
import { Alert } from '@/components/ui/alert'
import { Markdown } from '@/components/ui/markdown'
import { ProgressBar } from '@/components/ui/progress-bar'
import { requirePageActor } from '@/lib/auth/current-user'
import { can } from '@/lib/auth/permissions'
import { loadOrNotFound } from '@/lib/server/load-or-not-found'
import { getPlanForViewer, listPhaseItems, listPlanActivity, listPlanEnvironments } from '@/lib/server/plans/queries'
import { getPlanHealth } from '@/lib/server/monitoring/queries'
import { PLAN_BACKUPS_SHOWN } from '@/lib/server/backups/queries'
import { getPlanRecovery } from '@/lib/server/backups/recovery'
import { latestRunsByPhase } from '@/lib/server/runs/queries'
import { getPromotionGridForViewer } from '@/lib/server/runs/promotion-grid'
import { listSyncs } from '@/lib/server/syncs/queries'
import { rollbackPlanOf } from '@/lib/domain/rollback-plan'
import { LARGE_PLAN_ITEMS, openPhaseIds, toggleOpenPhase } from '@/lib/server/plans/rules'

type Params = Promise<{ planId: string }>

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const actor = await requirePageActor('plan:read')
  const plan = await loadOrNotFound(getPlanForViewer(actor, (await params).planId))
  return { title: plan.title }
}

const SECTIONS = [
  ['promotion', 'Promotion'],
  ['phases', 'Phases'],
  ['syncs', 'Syncs'],
  ['checklists', 'Checklists'],
  ['risks', 'Risks'],
  ['criteria', 'Criteria & triggers'],
  ['rollback', 'Rollback'],
  ['backups', 'Backups'],
  ['environments', 'Environments'],
  ['timeline', 'Timeline'],
  ['notes', 'Notes'],
  ['activity', 'Activity'],
] as const

export default async function PlanPage({
  params,
  searchParams,
}: {
  params: Params
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const actor = await requirePageActor('plan:read')
  const { planId } = await params
  const { open: requested } = await searchParams
  const [plan, activity] = await Promise.all([
    loadOrNotFound(getPlanForViewer(actor, planId)),
    listPlanActivity(actor, planId),
  ])
  // Client components get only their part of the plan: the browser is sent each checklist once, if at all.
  const archived = plan.status === 'ARCHIVED'
  const open = openPhaseIds(plan.phases, typeof requested === 'string' ? requested : undefined)
  const [items, environments, latestRuns, health, recovery, syncs, drift, promotion] = await Promise.all([
    listPhaseItems(actor, plan.id, [...open]),
    listPlanEnvironments(actor, plan.id),
    latestRunsByPhase(actor, plan.id),
    getPlanHealth(actor, plan.id),
    getPlanRecovery(actor, plan.id),
    listSyncs(actor, { planId }),
    getPlanDrift(actor, plan.id),
    getPromotionGridForViewer(actor, plan.id),
  ])
  const runTargets = environments.filter((e) => e.configured.target).map((e) => e.environment)
  const sourceEnvironments = environments.filter((e) => e.configured.source).map((e) => e.environment)
  const rehearsalTargets = runTargets.filter((e) => !e.protected).map(({ id, name }) => ({ id, name }))
  const canStart = can(actor.role, 'run:start') && plan.status !== 'ARCHIVED'
  // Sync and cutover steps name a copy or sync step of the plan: their forms offer these.
  const planSteps = plan.phases.flatMap((phase) =>
    phase.steps.flatMap((s) =>
      s.kind === 'COPY' || s.kind === 'SYNC' ? [{ id: s.id, name: s.name, kind: s.kind, phaseName: phase.name }] : [],
    ),
  )
  const hasSyncs = syncs.length > 0 || planSteps.some((s) => s.kind === 'SYNC')
  // Where a run of the phase's current scripts would be refused by promotion: the form says so before it is sent.
  const blockedOf = (phaseId: string) =>
    (promotion.phases.find((p) => p.id === phaseId)?.cells ?? []).flatMap((c) =>
      c.blockedBy ? [{ environmentId: c.environmentId, previous: c.blockedBy.environmentName }] : [],
    )
  const openHref = (value: string) => `/plans/${plan.id}?open=${value || 'none'}`
  return (
    <article className="space-y-8">
      <header className="space-y-3">
        <p className="text-sm">
          <Link href="/plans" className="text-indigo-700 hover:underline">
            ← Plans
          </Link>
        </p>
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div>
            <h1 className="text-2xl font-semibold tracking-tight">{plan.title}</h1>
            <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-zinc-600">
              <PlanStatusBadge status={plan.status} />
              <span>Owner: {plan.ownerName}</span>
              {plan.startDate ? <span>· Starts {plan.startDate}</span> : null}
            </p>
            <PlanHealth health={health} canMonitorConnections={can(actor.role, 'connection:read')} />
            <PlanDrift drift={drift} />
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <Link
              href={`/plans/${plan.id}/report`}
              className="inline-flex h-9 items-center rounded-md px-3 text-sm font-medium text-indigo-700 hover:bg-indigo-50"
            >
              Status report
            </Link>
            <Link
              href={`/plans/${plan.id}/validation`}
              className="inline-flex h-9 items-center rounded-md px-3 text-sm font-medium text-indigo-700 hover:bg-indigo-50"
            >
              Validation
            </Link>
            <a
              href={`/plans/${plan.id}/export`}
              download
              className="inline-flex h-9 items-center rounded-md px-3 text-sm font-medium text-indigo-700 hover:bg-indigo-50"
            >
              Export Markdown
            </a>
            {can(actor.role, 'plan:edit') ? (
              <PlanActions planId={plan.id} title={plan.title} archived={archived} />
            ) : null}
          </div>
        </div>
        <div className="max-w-md">
          <ProgressBar value={plan.progress} label="Plan progress" />
        </div>
        {archived ? <Alert tone="info">This plan is archived and read-only.</Alert> : null}
        {!plan.canEdit && !archived ? (
          <Alert tone="info">You can read this plan; changes are made by project leads and DBAs.</Alert>
        ) : null}
        {plan.summary ? <Markdown className="max-w-3xl">{plan.summary}</Markdown> : null}
        {plan.currentState || plan.targetState ? (
          <dl className="grid max-w-4xl grid-cols-1 gap-4 text-sm md:grid-cols-2">
            <div>
              <dt className="font-medium text-zinc-500">Current state</dt>
              <dd>
                <Markdown>{plan.currentState || '—'}</Markdown>
              </dd>
            </div>
            <div>
              <dt className="font-medium text-zinc-500">Target state</dt>
              <dd>
                <Markdown>{plan.targetState || '—'}</Markdown>
              </dd>
            </div>
          </dl>
        ) : null}
        <nav aria-label="Plan sections" className="flex flex-wrap gap-4 border-b border-zinc-200 pb-2 text-sm">
          {SECTIONS.filter(([id]) => id !== 'syncs' || hasSyncs).map(([id, label]) => (
            <a key={id} href={`#${id}`} className="text-zinc-600 hover:text-indigo-700">
              {label}
            </a>
          ))}
        </nav>
      </header>

      <Section id="promotion" title="Promotion">
        <PromotionGrid grid={promotion} />
      </Section>

      <Section id="phases" title="Phases">
        {plan.phases.length === 0 ? <p className="text-sm text-zinc-500">No phases yet.</p> : null}
        {open.size < plan.phases.length ? (
          <p className="text-sm text-zinc-600">
            {requested === undefined
              ? `A large plan (more than ${LARGE_PLAN_ITEMS} checklist items) opens with the current phase's checklist only. `
              : null}
            <Link href={openHref('all')} scroll={false} replace className="font-medium text-indigo-700 hover:underline">
              Show every checklist
            </Link>
          </p>
        ) : null}
        <MappingSources planId={plan.id} environments={sourceEnvironments}>
          <div className="space-y-4">
            {plan.phases.map((phase, index) => (
              <PhaseCard
                key={phase.id}
                phase={phase}
                items={items.get(phase.id) ?? null}
                toggleHref={openHref(toggleOpenPhase(plan.phases, open, phase.id))}
                index={index}
                count={plan.phases.length}
                canEdit={plan.canEdit}
                canAcceptLint={plan.canEdit && can(actor.role, 'run:resolve')}
                planSteps={planSteps}
                planId={plan.id}
                footer={
                  <div className="space-y-3">
                    <p className="text-sm">
                      <Link
                        href={`/plans/${plan.id}/phases/${phase.id}/preview`}
                        aria-label={`Preview ${phase.name}: what a run would execute`}
                        className="font-medium text-indigo-700 hover:underline"
                      >
                        Preview
                      </Link>{' '}
                      <span className="text-zinc-500">– what a run would execute, its locks and gates</span>
                    </p>
                    <PhaseRun
                      planId={plan.id}
                      phaseId={phase.id}
                      phaseName={phase.name}
                      targets={runTargets}
                      latest={latestRuns[phase.id] ?? null}
                      canStart={canStart}
                      blocked={blockedOf(phase.id)}
                      canOverridePromotion={can(actor.role, 'run:override-promotion')}
                    />
                    {phase.steps.some((s) => s.kind === 'SQL') ? (
                      <PhaseRehearsals
                        planId={plan.id}
                        phaseId={phase.id}
                        phaseName={phase.name}
                        initial={recovery}
                        environments={rehearsalTargets}
                        canRequest={canStart}
                      />
                    ) : null}
                  </div>
                }
              />
            ))}
          </div>
        </MappingSources>
        {plan.canEdit ? <AddPhaseForm planId={plan.id} /> : null}
      </Section>
      {hasSyncs ? (
        <Section id="syncs" title="Syncs">
          <PlanSyncs planId={plan.id} initial={syncs} />
        </Section>
      ) : null}
      <Section id="checklists" title="Plan checklists">
        <PlanChecklists plan={{ id: plan.id, canEdit: plan.canEdit, checklists: plan.checklists }} />
      </Section>
      <Section id="risks" title="Risk register">
        <RiskRegister plan={{ id: plan.id, canEdit: plan.canEdit, risks: plan.risks }} />
      </Section>
      <Section id="criteria" title="Success criteria and rollback triggers">
        <CriteriaAndTriggers
          plan={{
            id: plan.id,
            canEdit: plan.canEdit,
            successCriteria: plan.successCriteria,
            rollbackTriggers: plan.rollbackTriggers,
          }}
        />
      </Section>
      <Section id="rollback" title="Rollback plan">
        <RollbackPlanSummaryView summary={rollbackPlanOf(plan)} />
        <ol className="list-decimal space-y-1 pl-5 text-sm" aria-label="Rollback steps">
          {plan.rollbackSteps.map((step) => (
            <li key={step.id}>
              {step.text}
              {step.body ? (
                <details className="mt-1">
                  <summary className="cursor-pointer text-xs text-indigo-700">
                    Script{step.language ? ` (${step.language})` : ''}
                  </summary>
                  <pre className="mt-1 max-h-96 overflow-auto rounded-md border border-zinc-200 bg-white px-3 py-2 font-mono text-xs">
                    {step.body}
                  </pre>
                </details>
              ) : null}
            </li>
          ))}
        </ol>
      </Section>
      <Section id="backups" title="Backups">
        <PlanBackups planId={plan.id} initial={recovery} shown={PLAN_BACKUPS_SHOWN} />
      </Section>
      <Section id="environments" title="Environments">
        <PlanEnvironments planId={plan.id} environments={environments} canEdit={plan.canEdit} />
      </Section>
      <Section id="timeline" title="Timeline">
        <Timeline phases={plan.phases} />
        {plan.timeline.length ? (
          <ul className="list-disc space-y-0.5 pl-5 text-sm" aria-label="Timeline notes">
            {plan.timeline.map((entry) => (
              <li key={entry.id}>
                {entry.text}
                {entry.detail ? <span className="text-zinc-500"> – {entry.detail}</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
      <Section id="notes" title="Notes">
        {plan.notes.length === 0 && plan.unplacedSteps.length === 0 ? (
          <p className="text-sm text-zinc-500">No notes.</p>
        ) : null}
        <StepList steps={plan.unplacedSteps} planId={plan.id} label="Steps not in any phase" />
        <div className="space-y-1">
          {plan.notes.map((note) => (
            <details key={note.id} className="rounded-md border border-zinc-200 bg-white text-sm" data-testid="note">
              <summary className="cursor-pointer px-3 py-1.5 font-medium">{note.title}</summary>
              <Markdown className="border-t border-zinc-100 px-3 py-2">{note.body}</Markdown>
            </details>
          ))}
        </div>
      </Section>
      <Section id="activity" title="Activity">
        <ActivityFeed events={activity} />
      </Section>
    </article>
  )
}

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="scroll-mt-6 space-y-4">
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  )
}
