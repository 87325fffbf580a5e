import 'server-only'
import { parseLintReport } from '@/lib/domain/lint-report'
import type { UserActor } from '@/lib/server/actor'
import { assertCanInTx } from '@/lib/server/authorize'
import { conflict, invalid, notFound } from '@/lib/server/errors'
import { editPlan, nextPosition, planIdOf, type PlanEdit } from './edit-plan'
import { lintScripts } from './lint'
import type { Prisma, Tx } from '@/lib/db'
import { scriptsChecksum, stepChecksum } from '@/lib/server/step-content'
import { assertNoActiveRun } from '@/lib/server/runs/content'
import { reopenApprovalsAfterChange } from '@/lib/server/windows/commands'
import { appliedElsewhere, appliedScriptsOf } from '@/lib/server/revisions/applied'
import { recordRevision } from '@/lib/server/revisions/record'
import { appliedScriptWarning } from '@/lib/server/revisions/rules'
import {
  COPY_CONFIG_DEFAULTS,
  KIND_NAMES,
  storedCopyConfig,
  VALIDATE_CONFIG_DEFAULTS,
  type BackupConfig,
  type ObserveConfig,
  type ValidateConfig,
  type CopyConfig,
} from '@/lib/domain/step-kinds'
import type {
  TAddBackupStep,
  TAddCopyStep,
  TAddManualStep,
  TEditBackupStep,
  TAddObserveStep,
  TAddSqlStep,
  TAddValidateStep,
  TEditObserveStep,
  TEditCopyStep,
  TEditSqlStep,
  TEditValidateStep,
  TOverrideLint,
  TRemoveStep,
  TSetStepReady,
} from './schemas'

// Steps of a phase: SQL scripts (linted on every save) and manual gates, added, edited and removed by
// editors; drafts (as imported) marked ready after review; a DBA's written acceptance of lint errors.

export const NO_LINT_OVERRIDE = {
  lintOverrideReason: null,
  lintOverrideById: null,
  lintOverrideAt: null,
  lintOverrideChecksum: null,
}

/** The phase, in this plan, when no run of it is under way. */
async function phaseToChange(tx: Tx, planId: string, phaseId: string) {
  const phase = await tx.phase.findFirst({ where: { id: phaseId, planId } })
  if (!phase) throw notFound('Phase')
  await assertNoActiveRun(tx, phase)
  return phase
}

/** The step, in this plan and not removed, when no run of its phase is under way. */
export async function stepToChange(tx: Tx, planId: string, stepId: string) {
  const step = await tx.step.findFirst({
    where: { id: stepId, planId, removedAt: null },
    include: { phase: { select: { id: true, name: true } } },
  })
  if (!step) throw notFound('Step')
  if (step.phase) await assertNoActiveRun(tx, step.phase)
  return step
}

const sqlConfig = (input: { statementTimeoutSeconds: number | null; lockTimeoutMs: number | null }) => ({
  ...(input.statementTimeoutSeconds ? { statementTimeoutMs: input.statementTimeoutSeconds * 1000 } : {}),
  ...(input.lockTimeoutMs ? { lockTimeoutMs: input.lockTimeoutMs } : {}),
})

// A form sends its line breaks as CRLF (multipart encoding) whatever the person typed: scripts are kept
// with LF, and a sent text equal to the saved one but for its line breaks keeps the saved one – otherwise
// opening the editor and saving would change the script's checksum (and a run would refuse it).
const lf = (text: string) => text.replace(/\r\n/g, '\n')
const asSaved = (saved: string | null, sent: string) => (saved !== null && lf(saved) === lf(sent) ? saved : lf(sent))

/** A SQL step saved ready to run, with its first revision (in the caller's transaction). */
async function createSqlStep(
  tx: PlanEdit['tx'],
  actor: UserActor,
  o: {
    planId: string
    phaseId: string | null
    position: number
    name: string
    input: Parameters<typeof sqlConfig>[0] & { body: string; rollbackBody: string | null }
    lint: Prisma.InputJsonValue
  },
) {
  const step = await tx.step.create({
    data: {
      planId: o.planId,
      phaseId: o.phaseId,
      position: o.position,
      kind: 'SQL',
      name: o.name,
      body: o.input.body,
      rollbackBody: o.input.rollbackBody,
      config: sqlConfig(o.input),
      lint: o.lint,
      isDraft: false,
    },
  })
  return { step, revision: await recordRevision(tx, actor, step, 'created') }
}

export async function addSqlStep(actor: UserActor, sent: TAddSqlStep): Promise<{ id: string }> {
  const input = {
    ...sent,
    body: lf(sent.body),
    rollbackBody: sent.rollbackBody === null ? null : lf(sent.rollbackBody),
  }
  const lint = await lintScripts(input.body, input.rollbackBody)
  return editPlan(actor, await planIdOf('phase', input.phaseId), async ({ tx, plan, audit }) => {
    const phase = await phaseToChange(tx, plan.id, input.phaseId)
    const position = nextPosition(await tx.step.aggregate({ where: { phaseId: phase.id }, _max: { position: true } }))
    const { step, revision } = await createSqlStep(tx, actor, {
      planId: plan.id,
      phaseId: phase.id,
      position,
      name: input.name,
      input,
      lint,
    })
    await audit({
      action: 'step.create',
      entityType: 'Step',
      entityId: step.id,
      after: {
        name: step.name,
        phase: phase.name,
        kind: 'SQL',
        lintErrors: lint.errors,
        lintWarnings: lint.warnings,
        revision,
      },
    })
    await reopenApprovalsAfterChange(tx, actor, {
      planId: plan.id,
      phaseId: phase.id,
      what: `the step “${step.name}” was added to “${phase.name}”`,
    })
    return { id: step.id }
  })
}

/** The text of a step that replaces an applied one when the person chose to add the change as a new step. */
async function addChangeAsNewStep(
  actor: UserActor,
  edit: PlanEdit,
  step: { id: string; name: string; phaseId: string | null; position: number },
  input: TEditSqlStep,
  lint: Prisma.InputJsonValue,
  appliedOn: string[],
): Promise<{ id: string }> {
  const { tx, plan, audit } = edit
  // Right after the applied step: the later steps of the phase move one place down.
  await tx.step.updateMany({
    where: { planId: plan.id, phaseId: step.phaseId, position: { gt: step.position } },
    data: { position: { increment: 1 } },
  })
  const name = input.name === step.name ? `${step.name} (change)` : input.name
  const { step: added, revision } = await createSqlStep(tx, actor, {
    planId: plan.id,
    phaseId: step.phaseId,
    position: step.position + 1,
    name,
    input,
    lint,
  })
  await audit({
    action: 'step.create',
    entityType: 'Step',
    entityId: added.id,
    after: { name, kind: 'SQL', revision, changeOf: step.name, appliedOn },
  })
  await reopenApprovalsAfterChange(tx, actor, {
    planId: plan.id,
    phaseId: step.phaseId,
    what: `the step “${name}” was added after “${step.name}”`,
  })
  return { id: added.id }
}

/**
 * A changed script or rollback script is linted again, kept as a new revision and loses any lint
 * acceptance (it was given for other SQL); any change sends the windows approved for the phase back for
 * approval. A script that is applied on some environment is not changed without a decision
 * (`appliedDecision`): a new step with the change, or the edit – after which a DBA accepts the new
 * checksum on each environment where it ran.
 */
export async function editSqlStep(actor: UserActor, sent: TEditSqlStep): Promise<{ id: string }> {
  const lint = await lintScripts(sent.body, sent.rollbackBody)
  return editPlan(actor, await planIdOf('step', sent.stepId), async (edit) => {
    const { tx, plan, audit } = edit
    const step = await stepToChange(tx, plan.id, sent.stepId)
    const input = {
      ...sent,
      body: asSaved(step.body, sent.body),
      rollbackBody: sent.rollbackBody === null ? null : asSaved(step.rollbackBody, sent.rollbackBody),
    }
    if (step.kind !== 'SQL') throw conflict('Only SQL steps have a script to edit.')
    const config = sqlConfig(input)
    const scriptsChanged = scriptsChecksum(step) !== scriptsChecksum(input)
    const appliedOn = input.body === step.body ? [] : appliedElsewhere(await appliedScriptsOf(tx, step.id), input.body)
    const environments = appliedOn.map((a) => a.environmentName)
    if (appliedOn.length && !input.appliedDecision)
      throw invalid('This script already ran; choose how to save the change.', {
        appliedDecision: [appliedScriptWarning(environments)],
      })
    if (appliedOn.length && input.appliedDecision === 'new-step')
      return addChangeAsNewStep(actor, edit, step, input, lint, environments)
    await tx.step.update({
      where: { id: step.id },
      data: {
        name: input.name,
        body: input.body,
        rollbackBody: input.rollbackBody,
        config,
        lint,
        ...(scriptsChanged ? NO_LINT_OVERRIDE : {}),
      },
    })
    const revision = scriptsChanged
      ? await recordRevision(tx, actor, { id: step.id, body: input.body, rollbackBody: input.rollbackBody }, 'edited')
      : null
    if (
      stepChecksum(step) !== stepChecksum({ kind: 'SQL', body: input.body, rollbackBody: input.rollbackBody, config })
    ) {
      await reopenApprovalsAfterChange(tx, actor, {
        planId: plan.id,
        phaseId: step.phaseId,
        what: `the step “${step.name}” was edited`,
      })
    }
    await audit({
      action: 'step.update',
      entityType: 'Step',
      entityId: step.id,
      before: { name: step.name, body: step.body, rollbackBody: step.rollbackBody },
      after: {
        name: input.name,
        body: input.body,
        rollbackBody: input.rollbackBody,
        ...(revision ? { revision } : {}),
        ...(environments.length ? { editedAppliedOn: environments } : {}),
      },
    })
    return { id: step.id }
  })
}

// "Empty first" is stored with the confirmation the schema demanded of the person saving it.
/** A copy form's settings (a sync step's form has the same). */
export const copySettings = (input: TAddCopyStep | TEditCopyStep): CopyConfig => ({
  tables: input.tables,
  schemas: input.schemas,
  mode: input.mode,
  jobs: input.jobs ?? COPY_CONFIG_DEFAULTS.jobs,
  chunkRows: input.chunkRows ?? COPY_CONFIG_DEFAULTS.chunkRows,
  maxRejectedRows: input.maxRejectedRows ?? COPY_CONFIG_DEFAULTS.maxRejectedRows,
  reload: input.reload,
  existingRows: input.existingRows,
  emptyConfirmed: input.existingRows === 'empty' && input.confirmEmpty,
  mapping: input.mapping,
})
const copyConfig = (input: TAddCopyStep | TEditCopyStep) => storedCopyConfig(copySettings(input))

/** Copies the plan's source into its target on the run's environment (tables, mode and limits in the config). */
type ConfiguredKind = 'COPY' | 'VALIDATE' | 'OBSERVE' | 'BACKUP' | 'SYNC' | 'CUTOVER'

/** Adds a step of a kind configured by `config` alone (copy, validate, observe, backup). */
export async function addConfiguredStep(
  actor: UserActor,
  phaseId: string,
  kind: ConfiguredKind,
  name: string,
  config: Prisma.InputJsonObject,
): Promise<{ id: string }> {
  return editPlan(actor, await planIdOf('phase', phaseId), async ({ tx, plan, audit }) => {
    const phase = await phaseToChange(tx, plan.id, phaseId)
    const position = nextPosition(await tx.step.aggregate({ where: { phaseId: phase.id }, _max: { position: true } }))
    const step = await tx.step.create({
      data: { planId: plan.id, phaseId: phase.id, position, kind, name, config, isDraft: false },
    })
    await audit({
      action: 'step.create',
      entityType: 'Step',
      entityId: step.id,
      after: { name: step.name, phase: phase.name, kind, ...config },
    })
    await reopenApprovalsAfterChange(tx, actor, {
      planId: plan.id,
      phaseId: phase.id,
      what: `the step “${step.name}” was added to “${phase.name}”`,
    })
    return { id: step.id }
  })
}

export async function editConfiguredStep(
  actor: UserActor,
  stepId: string,
  kind: ConfiguredKind,
  name: string,
  config: Prisma.InputJsonObject,
): Promise<{ id: string }> {
  return editPlan(actor, await planIdOf('step', stepId), async ({ tx, plan, audit }) => {
    const step = await stepToChange(tx, plan.id, stepId)
    if (step.kind !== kind) throw conflict(`Only ${KIND_NAMES[kind]} steps have these options.`)
    await tx.step.update({ where: { id: step.id }, data: { name, config } })
    if (stepChecksum(step) !== stepChecksum({ ...step, config }))
      await reopenApprovalsAfterChange(tx, actor, {
        planId: plan.id,
        phaseId: step.phaseId,
        what: `the step “${step.name}” was edited`,
      })
    await audit({
      action: 'step.update',
      entityType: 'Step',
      entityId: step.id,
      before: { name: step.name, config: step.config },
      after: { name, config },
    })
    return { id: step.id }
  })
}

export const addCopyStep = (actor: UserActor, input: TAddCopyStep) =>
  addConfiguredStep(actor, input.phaseId, 'COPY', input.name, copyConfig(input))
export const editCopyStep = (actor: UserActor, input: TEditCopyStep) =>
  editConfiguredStep(actor, input.stepId, 'COPY', input.name, copyConfig(input))

const validateConfig = (input: TAddValidateStep | TEditValidateStep): ValidateConfig => ({
  tables: input.tables,
  schemas: input.schemas,
  maxSamples: input.maxSamples ?? VALIDATE_CONFIG_DEFAULTS.maxSamples,
  maxDifferences: input.maxDifferences ?? VALIDATE_CONFIG_DEFAULTS.maxDifferences,
  integrity: input.integrity,
})

const backupConfig = (input: TAddBackupStep | TEditBackupStep): BackupConfig => ({ of: input.of, tables: input.tables })

export const addBackupStep = (actor: UserActor, input: TAddBackupStep) =>
  addConfiguredStep(actor, input.phaseId, 'BACKUP', input.name, backupConfig(input))
export const editBackupStep = (actor: UserActor, input: TEditBackupStep) =>
  editConfiguredStep(actor, input.stepId, 'BACKUP', input.name, backupConfig(input))

export const addValidateStep = (actor: UserActor, input: TAddValidateStep) =>
  addConfiguredStep(actor, input.phaseId, 'VALIDATE', input.name, validateConfig(input))
export const editValidateStep = (actor: UserActor, input: TEditValidateStep) =>
  editConfiguredStep(actor, input.stepId, 'VALIDATE', input.name, validateConfig(input))

const observeConfig = (input: TAddObserveStep | TEditObserveStep): ObserveConfig => ({
  seconds: Math.round(input.minutes * 60),
  rollback: input.rollback,
})

export const addObserveStep = (actor: UserActor, input: TAddObserveStep) =>
  addConfiguredStep(actor, input.phaseId, 'OBSERVE', input.name, observeConfig(input))
export const editObserveStep = (actor: UserActor, input: TEditObserveStep) =>
  editConfiguredStep(actor, input.stepId, 'OBSERVE', input.name, observeConfig(input))

/** A gate a person releases during a run; optionally only once the phase's required checklist items are done. */
export async function addManualStep(actor: UserActor, input: TAddManualStep): Promise<{ id: string }> {
  return editPlan(actor, await planIdOf('phase', input.phaseId), async ({ tx, plan, audit }) => {
    const phase = await phaseToChange(tx, plan.id, input.phaseId)
    const position = nextPosition(await tx.step.aggregate({ where: { phaseId: phase.id }, _max: { position: true } }))
    const step = await tx.step.create({
      data: {
        planId: plan.id,
        phaseId: phase.id,
        position,
        kind: 'MANUAL',
        name: input.name,
        body: input.instructions ?? '',
        config: { requireChecklist: input.requireChecklist },
        isDraft: false,
      },
    })
    await audit({
      action: 'step.create',
      entityType: 'Step',
      entityId: step.id,
      after: { name: step.name, phase: phase.name, kind: 'MANUAL', requireChecklist: input.requireChecklist },
    })
    await reopenApprovalsAfterChange(tx, actor, {
      planId: plan.id,
      phaseId: phase.id,
      what: `the step “${step.name}” was added to “${phase.name}”`,
    })
    return { id: step.id }
  })
}

/** Removed steps leave the phase and new runs; past runs keep showing them. */
export async function removeStep(actor: UserActor, input: TRemoveStep): Promise<{ id: string }> {
  return editPlan(actor, await planIdOf('step', input.stepId), async ({ tx, plan, audit }) => {
    const step = await stepToChange(tx, plan.id, input.stepId)
    const used = await tx.stepRun.count({ where: { stepId: step.id } })
    if (used === 0) await tx.step.delete({ where: { id: step.id } })
    else await tx.step.update({ where: { id: step.id }, data: { removedAt: new Date() } })
    await audit({
      action: 'step.delete',
      entityType: 'Step',
      entityId: step.id,
      before: { name: step.name, kind: step.kind, body: step.body },
    })
    await reopenApprovalsAfterChange(tx, actor, {
      planId: plan.id,
      phaseId: step.phaseId,
      what: `the step “${step.name}” was removed`,
    })
    return { id: step.id }
  })
}

export async function setStepReady(actor: UserActor, input: TSetStepReady): Promise<{ id: string }> {
  const planId = await planIdOf('step', input.stepId)
  return editPlan(actor, planId, async ({ tx, plan, audit }) => {
    const step = await stepToChange(tx, plan.id, input.stepId)
    // A reviewed draft is linted like a step written here (an imported script may not even parse).
    const lint = input.ready && step.kind === 'SQL' ? await lintScripts(step.body, step.rollbackBody) : undefined
    await tx.step.update({ where: { id: step.id }, data: { isDraft: !input.ready, ...(lint ? { lint } : {}) } })
    await audit({
      action: input.ready ? 'step.ready' : 'step.draft',
      entityType: 'Step',
      entityId: step.id,
      after: { name: step.name },
    })
    return { id: step.id }
  })
}

/** DBAs: a script with error-level lint findings may run on protected environments, for the reason given. */
export async function overrideLint(actor: UserActor, input: TOverrideLint): Promise<{ id: string }> {
  return editPlan(actor, await planIdOf('step', input.stepId), async ({ tx, plan, audit }) => {
    await assertCanInTx(tx, actor, 'run:resolve')
    const step = await tx.step.findFirst({ where: { id: input.stepId, planId: plan.id, removedAt: null } })
    if (!step) throw notFound('Step')
    const lint = parseLintReport(step.lint, step.name)
    if (step.kind !== 'SQL' || !lint || lint.errors === 0)
      throw conflict('This step has no error-level lint findings to accept.')
    await tx.step.update({
      where: { id: step.id },
      data: {
        lintOverrideReason: input.reason,
        lintOverrideById: actor.id,
        lintOverrideAt: new Date(),
        lintOverrideChecksum: scriptsChecksum(step),
      },
    })
    await audit({
      action: 'step.lint-override',
      entityType: 'Step',
      entityId: step.id,
      after: {
        name: step.name,
        reason: input.reason,
        errors: lint.errors,
        rules: lint.statements.flatMap((s) => s.findings.filter((f) => f.level === 'error').map((f) => f.rule)),
      },
    })
    return { id: step.id }
  })
}
