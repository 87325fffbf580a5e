import { randomUUID } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { expect, test, type APIRequestContext } from '@playwright/test'
import type { z } from 'zod'
import { can, type Permission } from '@/lib/auth/permissions'
import { ZRequestRestore } from '@/lib/server/backups/schemas'
import {
  ZConnection,
  ZConnectionId,
  ZEnvironment,
  ZEnvironmentSafeguards,
  ZUpdateConnection,
  ZUpdateEnvironment,
} from '@/lib/server/connections/schemas'
import { ZSignalBackend } from '@/lib/server/monitoring/schemas'
import { ZNoInput } from '@/lib/server/fields'
import { ZEmailPreferences, ZNotificationId } from '@/lib/server/notifications/schemas'
import * as P from '@/lib/server/plans/schemas'
import { ZRequestRehearsal } from '@/lib/server/rehearsals/schemas'
import { ZAcceptChecksum, ZRestoreRevision } from '@/lib/server/revisions/schemas'
import { ZRequestInspection } from '@/lib/server/inspections/schemas'
import { ZRequireSso } from '@/lib/server/settings/schemas'
import { ZAddCutoverStep, ZAddSyncStep, ZEditCutoverStep, ZEditSyncStep } from '@/lib/server/plans/sync-schemas'
import { ZEndSync } from '@/lib/server/syncs/schemas'
import { ZAcknowledgeDrift, ZRequestDriftCheck } from '@/lib/server/drift/schemas'
import { ZRunDecision, ZRunId, ZStartRun } from '@/lib/server/runs/schemas'
import {
  ZChangeUserRole,
  ZConfirmMfa,
  ZCreateUser,
  ZResetMfa,
  ZResetUserPassword,
  ZSetUserActive,
} from '@/lib/server/users/schemas'
import {
  ZAddRule,
  ZBindCriterion,
  ZCancelValidation,
  ZEditRule,
  ZRemoveRule,
  ZRequestValidation,
} from '@/lib/server/validations/schemas'
import { ZDecideWindow, ZRejectWindow, ZRequestWindow, ZWindowId } from '@/lib/server/windows/schemas'
import { ZCreateServiceAccount, ZCreateServiceToken, ZCreateToken, ZRevokeToken } from '@/lib/server/tokens/schemas'
import { API_V1_ROUTES, checkApiV1WithTokens } from './fixtures/api-v1-matrix'
import {
  ZCreateWebhook,
  ZDeleteWebhook,
  ZDeliveryId,
  ZSetWebhookActive,
  ZUpdateWebhook,
  ZWebhookId,
} from '@/lib/server/webhooks/schemas'
import { query, seedUser } from './fixtures/db'
import { FOREIGN_ID, foreignProbe } from './fixtures/probes'
import { callServerAction, serverActionId } from './fixtures/server-actions'
import { ROW_SECRET, seedProtectedPlan } from './fixtures/protected-plan'
import { signIn } from './fixtures/session'
import { BASE_URL } from './fixtures/settings'
import { SESSION_COOKIE } from '@/lib/auth/session-rules'

// Every server action in the build and every route handler in app/, found from the build and the code –
// so a new one cannot be forgotten – called directly by a signed-out client, by each role and by an admin
// who has not set up two-factor sign-in (refused everything but setting it up), and compared
// with the decision written here against the permission table (lib/auth/permissions.ts). A foreign id
// answers "not found". An endpoint without a decision, or a decision without an endpoint, fails the test.
//
// The matrix checks the gate each endpoint declares. Refinements inside the data layer – a lint acceptance
// needs a DBA (run:resolve), a protected run needs a DBA, a requester cannot approve their own window – have
// integration tests of their own (lib/engine/runs.integration.test.ts, lib/server/windows).

type Decision = {
  permission: Permission | 'public'
  schema?: z.ZodType
  probe?: Record<string, unknown>
  /** An account:own action that is not part of setting up two-factor sign-in: refused until it is set up. */
  enrolledOnly?: true
}

const ACTIONS: Record<string, Decision> = {
  'lib/actions/account.ts#startMfaEnrolmentAction': { permission: 'account:own', schema: ZNoInput },
  'lib/actions/account.ts#confirmMfaEnrolmentAction': { permission: 'account:own', schema: ZConfirmMfa },
  'lib/actions/auth.ts#signInAction': { permission: 'public' },
  'lib/actions/auth.ts#signOutAction': { permission: 'public' },
  // Sends the browser to the identity provider; the callback (Auth.js's route) decides who signs in.
  'lib/actions/auth.ts#ssoSignInAction': { permission: 'public' },
  'lib/actions/backups.ts#requestRestoreAction': { permission: 'backup:restore', schema: ZRequestRestore },
  'lib/actions/connections.ts#createEnvironmentAction': { permission: 'connection:manage', schema: ZEnvironment },
  'lib/actions/connections.ts#setEnvironmentSafeguardsAction': {
    permission: 'connection:manage',
    schema: ZEnvironmentSafeguards,
  },
  'lib/actions/connections.ts#updateEnvironmentAction': {
    permission: 'connection:manage',
    schema: ZUpdateEnvironment,
    probe: { environmentId: FOREIGN_ID, name: 'probe', description: '' },
  },
  'lib/actions/connections.ts#createConnectionAction': {
    permission: 'connection:manage',
    schema: ZConnection,
    probe: {
      environmentId: FOREIGN_ID,
      engine: 'POSTGRES',
      name: 'probe',
      role: 'TARGET',
      host: 'localhost',
      database: 'probe',
      username: 'probe',
    },
  },
  'lib/actions/connections.ts#updateConnectionAction': {
    permission: 'connection:manage',
    schema: ZUpdateConnection,
    probe: {
      connectionId: FOREIGN_ID,
      environmentId: FOREIGN_ID,
      engine: 'POSTGRES',
      name: 'probe',
      role: 'TARGET',
      host: 'localhost',
      database: 'probe',
      username: 'probe',
    },
  },
  'lib/actions/connections.ts#deleteConnectionAction': { permission: 'connection:manage', schema: ZConnectionId },
  'lib/actions/connections.ts#testConnectionAction': { permission: 'connection:read', schema: ZConnectionId },
  'lib/actions/connections.ts#introspectConnectionAction': { permission: 'connection:read', schema: ZConnectionId },
  'lib/actions/monitoring.ts#signalBackendAction': {
    permission: 'connection:manage',
    schema: ZSignalBackend,
    probe: { connectionId: FOREIGN_ID, pid: 1, signal: 'cancel', confirm: 'cancel 1' },
  },
  'lib/actions/notifications.ts#markNotificationReadAction': {
    permission: 'notification:read',
    schema: ZNotificationId,
  },
  'lib/actions/notifications.ts#markAllNotificationsReadAction': { permission: 'notification:read', schema: ZNoInput },
  // One's own choices only: no id to name. An empty form leaves a new person's choices as they were (all off),
  // so the gate check changes nothing the audit log would record.
  'lib/actions/notifications.ts#saveEmailPreferencesAction': {
    permission: 'notification:read',
    schema: ZEmailPreferences,
  },
  'lib/actions/plan-documents.ts#previewPlanDocumentAction': { permission: 'plan:edit', schema: P.ZPlanDocument },
  'lib/actions/plan-documents.ts#importPlanDocumentAction': { permission: 'plan:edit', schema: P.ZPlanDocument },
  'lib/actions/plans.ts#createPlanAction': { permission: 'plan:edit', schema: P.ZCreatePlan },
  'lib/actions/plans.ts#updatePlanAction': { permission: 'plan:edit', schema: P.ZUpdatePlan },
  'lib/actions/plans.ts#archivePlanAction': { permission: 'plan:edit', schema: P.ZPlanRef },
  'lib/actions/plans.ts#restorePlanAction': { permission: 'plan:edit', schema: P.ZPlanRef },
  'lib/actions/plans.ts#addPhaseAction': { permission: 'plan:edit', schema: P.ZAddPhase },
  'lib/actions/plans.ts#updatePhaseAction': { permission: 'plan:edit', schema: P.ZUpdatePhase },
  'lib/actions/plans.ts#movePhaseAction': { permission: 'plan:edit', schema: P.ZMovePhase },
  'lib/actions/plans.ts#completePhaseAction': { permission: 'plan:edit', schema: P.ZPhaseId },
  'lib/actions/plans.ts#reopenPhaseAction': { permission: 'plan:edit', schema: P.ZPhaseId },
  'lib/actions/plans.ts#blockPhaseAction': { permission: 'plan:edit', schema: P.ZBlockPhase },
  'lib/actions/plans.ts#unblockPhaseAction': { permission: 'plan:edit', schema: P.ZPhaseId },
  'lib/actions/plans.ts#addChecklistAction': { permission: 'plan:edit', schema: P.ZAddChecklist },
  'lib/actions/plans.ts#addItemAction': {
    permission: 'plan:edit',
    schema: P.ZAddItem,
    probe: { phaseId: FOREIGN_ID, text: 'probe' },
  },
  'lib/actions/plans.ts#setItemDoneAction': { permission: 'plan:edit', schema: P.ZSetItemDone },
  'lib/actions/plans.ts#addRiskAction': { permission: 'plan:edit', schema: P.ZAddRisk },
  'lib/actions/plans.ts#updateRiskAction': { permission: 'plan:edit', schema: P.ZUpdateRisk },
  'lib/actions/plans.ts#addCriterionAction': { permission: 'plan:edit', schema: P.ZAddCriterion },
  'lib/actions/plans.ts#addTriggerAction': {
    permission: 'plan:edit',
    schema: P.ZAddTrigger,
    probe: { planId: FOREIGN_ID, text: 'probe' },
  },
  'lib/actions/plans.ts#removeFromPlanAction': { permission: 'plan:edit', schema: P.ZRemove },
  'lib/actions/plans.ts#setCriterionStatusAction': { permission: 'plan:edit', schema: P.ZSetCriterionStatus },
  'lib/actions/plans.ts#updateItemAction': { permission: 'plan:edit', schema: P.ZUpdateItem },
  'lib/actions/plans.ts#setPlanEnvironmentAction': { permission: 'plan:edit', schema: P.ZSetPlanEnvironment },
  'lib/actions/plans.ts#movePlanEnvironmentAction': { permission: 'plan:edit', schema: P.ZMovePlanEnvironment },
  'lib/actions/plans.ts#addSqlStepAction': {
    permission: 'plan:edit',
    schema: P.ZAddSqlStep,
    probe: { phaseId: FOREIGN_ID, name: 'probe', body: 'SELECT 1;' },
  },
  'lib/actions/plans.ts#setStepReadyAction': { permission: 'plan:edit', schema: P.ZSetStepReady },
  'lib/actions/plans.ts#editSqlStepAction': {
    permission: 'plan:edit',
    schema: P.ZEditSqlStep,
    probe: { stepId: FOREIGN_ID, name: 'probe', body: 'SELECT 1;' },
  },
  'lib/actions/plans.ts#addManualStepAction': { permission: 'plan:edit', schema: P.ZAddManualStep },
  'lib/actions/plans.ts#addCopyStepAction': { permission: 'plan:edit', schema: P.ZAddCopyStep },
  'lib/actions/plans.ts#editCopyStepAction': { permission: 'plan:edit', schema: P.ZEditCopyStep },
  'lib/actions/plans.ts#addValidateStepAction': { permission: 'plan:edit', schema: P.ZAddValidateStep },
  'lib/actions/plans.ts#editValidateStepAction': { permission: 'plan:edit', schema: P.ZEditValidateStep },
  'lib/actions/plans.ts#addObserveStepAction': { permission: 'plan:edit', schema: P.ZAddObserveStep },
  'lib/actions/plans.ts#editObserveStepAction': { permission: 'plan:edit', schema: P.ZEditObserveStep },
  'lib/actions/plans.ts#addBackupStepAction': { permission: 'plan:edit', schema: P.ZAddBackupStep },
  'lib/actions/plans.ts#editBackupStepAction': { permission: 'plan:edit', schema: P.ZEditBackupStep },
  'lib/actions/plans.ts#removeStepAction': { permission: 'plan:edit', schema: P.ZRemoveStep },
  'lib/actions/plans.ts#overrideLintAction': { permission: 'plan:edit', schema: P.ZOverrideLint },
  'lib/actions/revisions.ts#restoreRevisionAction': { permission: 'plan:edit', schema: ZRestoreRevision },
  // A DBA's acceptance of a changed script's new checksum (Flyway's repair); the role is re-read in the transaction.
  'lib/actions/revisions.ts#acceptChecksumAction': { permission: 'run:resolve', schema: ZAcceptChecksum },
  'lib/actions/syncs.ts#addSyncStepAction': { permission: 'plan:edit', schema: ZAddSyncStep },
  'lib/actions/syncs.ts#editSyncStepAction': { permission: 'plan:edit', schema: ZEditSyncStep },
  'lib/actions/syncs.ts#addCutoverStepAction': { permission: 'plan:edit', schema: ZAddCutoverStep },
  'lib/actions/syncs.ts#editCutoverStepAction': { permission: 'plan:edit', schema: ZEditCutoverStep },
  // Ending a sync without a cutover is a DBA's decision (stakeholders and leads read syncs only).
  'lib/actions/syncs.ts#endSyncAction': {
    permission: 'run:resolve',
    schema: ZEndSync,
    probe: { syncId: FOREIGN_ID, confirm: 'end sync' },
  },
  // Anyone who may see connections may ask for a drift check; acknowledging drift lets protected runs go ahead: DBAs.
  'lib/actions/drift.ts#requestDriftCheckAction': { permission: 'connection:read', schema: ZRequestDriftCheck },
  'lib/actions/drift.ts#acknowledgeDriftAction': {
    permission: 'run:start-protected',
    schema: ZAcknowledgeDrift,
    probe: { checkId: FOREIGN_ID, reason: 'a probe of the matrix' },
  },
  'lib/actions/rehearsals.ts#requestRehearsalAction': { permission: 'run:start', schema: ZRequestRehearsal },
  'lib/actions/reports.ts#takeSnapshotAction': { permission: 'plan:edit', schema: P.ZPlanRef },
  'lib/actions/runs.ts#startRunAction': { permission: 'run:start', schema: ZStartRun },
  'lib/actions/runs.ts#cancelRunAction': { permission: 'run:start', schema: ZRunId },
  'lib/actions/runs.ts#rollbackRunAction': { permission: 'run:resolve', schema: ZRunId },
  'lib/actions/runs.ts#releaseGateAction': { permission: 'run:start', schema: ZRunId },
  'lib/actions/runs.ts#retryRunAction': { permission: 'run:resolve', schema: ZRunId },
  'lib/actions/runs.ts#markRunAppliedAction': { permission: 'run:resolve', schema: ZRunDecision },
  'lib/actions/runs.ts#markRunRolledBackAction': { permission: 'run:resolve', schema: ZRunDecision },
  'lib/actions/users.ts#createUserAction': { permission: 'user:manage', schema: ZCreateUser },
  'lib/actions/users.ts#changeUserRoleAction': { permission: 'user:manage', schema: ZChangeUserRole },
  'lib/actions/users.ts#setUserActiveAction': { permission: 'user:manage', schema: ZSetUserActive },
  'lib/actions/users.ts#resetUserPasswordAction': { permission: 'user:manage', schema: ZResetUserPassword },
  'lib/actions/users.ts#resetMfaAction': { permission: 'user:manage', schema: ZResetMfa },
  'lib/actions/sign-in-settings.ts#setRequireSsoAction': { permission: 'user:manage', schema: ZRequireSso },
  'lib/actions/validations.ts#requestValidationAction': { permission: 'run:start', schema: ZRequestValidation },
  'lib/actions/inspections.ts#requestSourceInspectionAction': {
    permission: 'plan:edit',
    schema: ZRequestInspection,
    probe: { planId: FOREIGN_ID, environmentId: FOREIGN_ID, kind: 'profile' },
  },
  'lib/actions/validations.ts#cancelValidationAction': { permission: 'run:start', schema: ZCancelValidation },
  'lib/actions/validations.ts#addRuleAction': {
    permission: 'plan:edit',
    schema: ZAddRule,
    probe: { planId: FOREIGN_ID, name: 'probe', sql: 'SELECT 1', severity: 'ERROR', action: 'FAIL' },
  },
  'lib/actions/validations.ts#editRuleAction': {
    permission: 'plan:edit',
    schema: ZEditRule,
    probe: { ruleId: FOREIGN_ID, name: 'probe', sql: 'SELECT 1', severity: 'ERROR', action: 'FAIL' },
  },
  'lib/actions/validations.ts#removeRuleAction': { permission: 'plan:edit', schema: ZRemoveRule },
  'lib/actions/validations.ts#bindCriterionAction': { permission: 'plan:edit', schema: ZBindCriterion },
  'lib/actions/windows.ts#requestWindowAction': {
    permission: 'window:request',
    schema: ZRequestWindow,
    probe: {
      environmentId: FOREIGN_ID,
      planId: FOREIGN_ID,
      reason: 'probe',
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 90_000_000).toISOString(),
    },
  },
  'lib/actions/windows.ts#approveWindowAction': { permission: 'window:approve', schema: ZDecideWindow },
  'lib/actions/windows.ts#rejectWindowAction': { permission: 'window:approve', schema: ZRejectWindow },
  'lib/actions/windows.ts#cancelWindowAction': { permission: 'window:request', schema: ZWindowId },
  // One's own API tokens: anyone signed in (the data layer asks admins and DBAs for a fresh code); service accounts: admins.
  'lib/actions/tokens.ts#createTokenAction': { permission: 'account:own', schema: ZCreateToken, enrolledOnly: true },
  'lib/actions/tokens.ts#revokeTokenAction': { permission: 'account:own', schema: ZRevokeToken, enrolledOnly: true },
  'lib/actions/tokens.ts#createServiceAccountAction': { permission: 'user:manage', schema: ZCreateServiceAccount },
  'lib/actions/tokens.ts#createServiceTokenAction': {
    permission: 'user:manage',
    schema: ZCreateServiceToken,
    probe: { userId: FOREIGN_ID, name: 'probe', scope_READ: 'on', expiresInDays: '7' },
  },
  // Outbound webhooks carry signing secrets and reach other systems: admins only.
  'lib/actions/webhooks.ts#createWebhookAction': { permission: 'webhook:manage', schema: ZCreateWebhook },
  'lib/actions/webhooks.ts#updateWebhookAction': {
    permission: 'webhook:manage',
    schema: ZUpdateWebhook,
    probe: { webhookId: FOREIGN_ID, name: 'probe', url: '', 'event:RUN_FAILED': 'on', format: 'STANDARD' },
  },
  'lib/actions/webhooks.ts#setWebhookActiveAction': {
    permission: 'webhook:manage',
    schema: ZSetWebhookActive,
    probe: { webhookId: FOREIGN_ID, isActive: 'false' },
  },
  'lib/actions/webhooks.ts#deleteWebhookAction': {
    permission: 'webhook:manage',
    schema: ZDeleteWebhook,
    probe: { webhookId: FOREIGN_ID, confirm: 'probe' },
  },
  'lib/actions/webhooks.ts#rotateWebhookSecretAction': { permission: 'webhook:manage', schema: ZWebhookId },
  'lib/actions/webhooks.ts#sendTestWebhookAction': { permission: 'webhook:manage', schema: ZWebhookId },
  'lib/actions/webhooks.ts#redeliverWebhookAction': { permission: 'webhook:manage', schema: ZDeliveryId },
}

/** Route handlers: `signed-in` is any role; a path segment in brackets is given a foreign id. */
const ROUTES: Record<
  string,
  { method: 'GET' | 'POST'; permission: Permission | 'signed-in' | 'public'; body?: unknown }
> = {
  'app/(console)/plans/[planId]/export/route.ts': { method: 'GET', permission: 'plan:read' },
  'app/(console)/plans/[planId]/report/export/route.ts': { method: 'GET', permission: 'report:read' },
  'app/api/auth/[...nextauth]/route.ts': { method: 'GET', permission: 'public' },
  'app/api/monitor/connections/[connectionId]/route.ts': { method: 'GET', permission: 'connection:read' },
  'app/api/connections/[connectionId]/drift/route.ts': { method: 'GET', permission: 'connection:read' },
  'app/api/monitor/runs/[runId]/route.ts': { method: 'GET', permission: 'run:read' },
  'app/api/notifications/route.ts': { method: 'GET', permission: 'notification:read' },
  'app/api/plans/[planId]/recovery/route.ts': { method: 'GET', permission: 'plan:read' },
  'app/api/plans/[planId]/syncs/route.ts': { method: 'GET', permission: 'run:read' },
  'app/api/runs/[runId]/rejects/route.ts': { method: 'GET', permission: 'run:read' },
  'app/api/runs/[runId]/route.ts': { method: 'GET', permission: 'run:read' },
  'app/api/sql/lint/route.ts': { method: 'POST', permission: 'plan:edit', body: { sql: 'SELECT 1;' } },
  'app/api/system/status/route.ts': { method: 'GET', permission: 'signed-in' },
  'app/api/validations/[validationId]/route.ts': { method: 'GET', permission: 'plan:read' },
  // Only its requester reads a source read (it holds the source's rows): anyone else is told it does not exist.
  'app/api/plans/[planId]/inspections/[inspectionId]/route.ts': { method: 'GET', permission: 'plan:edit' },
}

const ROLES = ['STAKEHOLDER', 'LEAD', 'DBA', 'ADMIN'] as const
const DENIED = 'You do not have permission to do that.'
const SIGNED_OUT = 'Your session has ended. Sign in again.'
// An admin who has not set up two-factor sign-in yet: signed in for setting it up and nothing else.
const UNENROLLED = 'ADMIN without two-factor'
const ENROL_FIRST = 'Set up two-factor sign-in first'
const NOT_FOUND = / not found\./

type Manifest = { node: Record<string, { filename?: string; exportedName?: string }> }

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory()
      ? routeFiles(path)
      : /^route\.(ts|tsx|js)$/.test(entry.name)
        ? [relative(process.cwd(), path)]
        : []
  })
}

/** The URL a route file answers, with every dynamic segment a foreign id (the auth catch-all: its session endpoint). */
const urlOf = (file: string) =>
  `/${file
    .replace(/^app\//, '')
    .replace(/\/route\.\w+$/, '')
    .split('/')
    .filter((s) => !/^\(.*\)$/.test(s))
    .map((s) => (s === '[...nextauth]' ? 'session' : s.startsWith('[') ? FOREIGN_ID : s))
    .join('/')}`

test('every action and route handler answers each role as the permission table says, and a foreign id as not found', async ({
  browser,
  playwright,
}, testInfo) => {
  test.setTimeout(300_000)
  const manifest = JSON.parse(
    readFileSync(join(process.cwd(), '.next/server/server-reference-manifest.json'), 'utf8'),
  ) as Manifest
  const found = new Map(
    Object.entries(manifest.node)
      .filter(([, a]) => a.filename?.startsWith('lib/actions/'))
      .map(([id, a]) => [`${a.filename}#${a.exportedName}`, id]),
  )
  expect(
    [...found.keys()].filter((k) => !ACTIONS[k]),
    'actions without a decision',
  ).toEqual([])
  expect(
    Object.keys(ACTIONS).filter((k) => !found.has(k)),
    'decisions for actions that no longer exist',
  ).toEqual([])
  const routes = routeFiles('app')
  expect(
    routes.filter((r) => !ROUTES[r] && !API_V1_ROUTES[r]),
    'route handlers without a decision',
  ).toEqual([])
  expect(
    [...Object.keys(ROUTES), ...Object.keys(API_V1_ROUTES)].filter((r) => !routes.includes(r)),
    'decisions for routes that no longer exist',
  ).toEqual([])

  // One client per role, and one that never signed in.
  const clients: [string, APIRequestContext, string[]][] = [
    ['signed out', await playwright.request.newContext({ baseURL: BASE_URL }), []],
  ]
  for (const role of ROLES) {
    const user = await seedUser(role, `matrix ${role.toLowerCase()}`)
    const context = await browser.newContext()
    const page = await context.newPage()
    await signIn(page, user)
    clients.push([role, context.request, [user.id]])
  }
  const unenrolled = await seedUser('ADMIN', 'matrix unenrolled admin', { mfa: false })
  const pendingPage = await (await browser.newContext()).newPage()
  await signIn(pendingPage, unenrolled)
  await expect(pendingPage).toHaveURL(/\/account\/security$/)
  clients.push([UNENROLLED, pendingPage.context().request, [unenrolled.id]])
  const gateOf = (role: string, permission: Permission) =>
    role === 'signed out'
      ? false
      : role === UNENROLLED
        ? permission === 'account:own'
        : can(role as (typeof ROLES)[number], permission)
  const userIds = clients.flatMap(([, , ids]) => ids)
  const audited = async () =>
    (
      await query<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE "actorId" = ANY($1::uuid[])`, [
        userIds,
      ])
    )[0]?.n
  const auditedBefore = await audited()

  const mismatches: string[] = []
  let pairs = 0
  for (const [key, decision] of Object.entries(ACTIONS)) {
    if (decision.permission === 'public' || !decision.schema) continue
    const id = found.get(key) ?? ''
    const probe = decision.probe ? { input: decision.probe, namesAnId: true } : foreignProbe(decision.schema)
    for (const [role, request] of clients) {
      pairs++
      const allowed = gateOf(role, decision.permission) && !(role === UNENROLLED && decision.enrolledOnly)
      // Signed out, with a forged session cookie so the sign-in redirect lets it through: the action itself must refuse.
      const garbage = await callServerAction(
        request,
        BASE_URL,
        id,
        [{}],
        role === 'signed out' ? { Cookie: `${SESSION_COOKIE}=forged` } : {},
      )
      const expected = role === 'signed out' ? SIGNED_OUT : allowed ? null : role === UNENROLLED ? ENROL_FIRST : DENIED
      const refusedAs = [SIGNED_OUT, DENIED, ENROL_FIRST].find((message) => garbage.includes(message)) ?? null
      if (refusedAs !== expected)
        mismatches.push(
          `${key} as ${role}: expected ${expected ?? 'to pass the gate'}, got ${refusedAs ?? 'through the gate'}`,
        )
      if (allowed && probe.namesAnId) {
        const reply = await callServerAction(request, BASE_URL, id, [probe.input])
        if (!NOT_FOUND.test(reply))
          mismatches.push(`${key} as ${role} with a foreign id: expected "not found", got ${reply.slice(0, 300)}`)
      }
    }
  }
  for (const [file, decision] of Object.entries(ROUTES)) {
    const url = urlOf(file)
    const namesAnId = url.includes(FOREIGN_ID)
    for (const [role, request] of clients) {
      pairs++
      const options = {
        maxRedirects: 0,
        headers: { Origin: BASE_URL },
        ...(decision.body ? { data: decision.body } : {}),
      }
      const response = decision.method === 'POST' ? await request.post(url, options) : await request.get(url, options)
      const allowed =
        decision.permission === 'public' ||
        (role !== 'signed out' &&
          role !== UNENROLLED &&
          (decision.permission === 'signed-in' || gateOf(role, decision.permission)))
      // Signed out: 401 from the API, a redirect to sign in from a page's route; refused: 404, like a missing id;
      // not set up yet: 404 from the API, a redirect to the set-up page from a page's route.
      const redirect = response.headers().location ?? ''
      const expected = allowed
        ? namesAnId
          ? [404]
          : [200]
        : role === 'signed out'
          ? [401, 302, 303, 307]
          : role === UNENROLLED && redirect.endsWith('/account/security')
            ? [307]
            : [404]
      if (!expected.includes(response.status()))
        mismatches.push(
          `${decision.method} ${url} (${file}) as ${role}: expected ${expected.join(' or ')}, got ${response.status()}${redirect ? ` to ${redirect}` : ''}`,
        )
    }
  }
  // /api/v1 takes bearer tokens only: each client's session cookie counts for nothing there. Then every route
  // with no token and with a token of every role and every scope (./fixtures/api-v1-matrix.ts).
  pairs += await checkApiV1WithTokens(
    clients.map(([role, request]) => [role, request]),
    mismatches,
  )
  console.log(
    `Authorization matrix: ${pairs} endpoint × role pairs checked (${found.size} actions, ${routes.length} route handlers, ${clients.length} clients).`,
  )
  testInfo.annotations.push({ type: 'pairs', description: String(pairs) })
  expect(mismatches).toEqual([])
  // Refused and foreign-id calls changed nothing the audit log would record.
  expect(await audited()).toBe(auditedBefore)
})

// The attacker's moves against what a DBA relies on, each tried by every role on a plan that runs on a
// protected environment with no window open: editing a step while its run waits at a gate, keeping rules
// and validating there, a restore and a dry run there – and every API that returns rows, read per role.
test('the attacker’s moves: each role against a protected environment’s guarantees, and the APIs that return rows', async ({
  browser,
}) => {
  test.setTimeout(180_000)
  const owner = await seedUser('LEAD', 'attack owner')
  const target = await seedProtectedPlan(owner)
  const action = (file: string, name: string) => serverActionId(`lib/actions/${file}.ts`, name)
  const moves: {
    name: string
    id: string
    input: Record<string, unknown>
    expect: Record<(typeof ROLES)[number], RegExp>
  }[] = [
    {
      name: 'edit a step of a phase whose run waits at a gate',
      id: action('plans', 'editSqlStepAction'),
      input: { stepId: target.stepId, name: 'Reviewed change', body: 'DROP TABLE orders;', rollbackBody: '' },
      expect: {
        STAKEHOLDER: /You do not have permission/,
        LEAD: /is waiting; its steps cannot change until it ends/,
        DBA: /is waiting; its steps cannot change until it ends/,
        ADMIN: /is waiting; its steps cannot change until it ends/,
      },
    },
    {
      name: 'change a rule of a plan that runs on a protected environment',
      id: action('validations', 'editRuleAction'),
      input: {
        ruleId: target.ruleId,
        name: 'No orphans',
        sql: 'SELECT * FROM customers',
        severity: 'ERROR',
        action: 'FAIL',
      },
      expect: {
        STAKEHOLDER: /You do not have permission/,
        LEAD: /Only a DBA can change the validation rules/,
        DBA: /"ok":true/,
        ADMIN: /"ok":true/,
      },
    },
    {
      name: 'add a rule that kills sessions',
      id: action('validations', 'addRuleAction'),
      input: {
        planId: target.planId,
        name: `Kill ${randomUUID().slice(0, 8)}`,
        sql: 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity',
        severity: 'ERROR',
        action: 'FAIL',
      },
      expect: {
        STAKEHOLDER: /You do not have permission/,
        LEAD: /the volatile function pg_terminate_backend\(\)/,
        DBA: /the volatile function pg_terminate_backend\(\)/,
        ADMIN: /the volatile function pg_terminate_backend\(\)/,
      },
    },
    {
      name: 'validate on the protected environment without a window',
      id: action('validations', 'requestValidationAction'),
      input: { planId: target.planId, environmentId: '', tables: '' },
      expect: {
        STAKEHOLDER: /You do not have permission/,
        LEAD: /Only a DBA can validate on the protected environment/,
        DBA: /a validation there needs an approved maintenance window/,
        ADMIN: /a validation there needs an approved maintenance window/,
      },
    },
    {
      name: 'restore over the protected target without a window',
      id: action('backups', 'requestRestoreAction'),
      input: { backupId: target.backupId, connectionId: target.targetId, confirm: 'victim' },
      expect: {
        STAKEHOLDER: /You do not have permission/,
        LEAD: /You do not have permission/,
        DBA: /a restore there needs an approved maintenance window/,
        ADMIN: /a restore there needs an approved maintenance window/,
      },
    },
    {
      name: 'read the protected environment’s source rows for the mapping editor',
      id: action('inspections', 'requestSourceInspectionAction'),
      input: { planId: target.planId, environmentId: '', kind: 'preview', table: 'orders' },
      expect: {
        STAKEHOLDER: /You do not have permission/,
        LEAD: /Only a DBA can read the source of the protected environment/,
        DBA: /"ok":true/,
        ADMIN: /"ok":true/,
      },
    },
    {
      name: 'dry-run the phase on the protected environment without a window',
      id: action('runs', 'startRunAction'),
      input: { planId: target.planId, phaseId: target.phaseId, environmentId: '', dryRun: 'on' },
      expect: {
        STAKEHOLDER: /You do not have permission/,
        LEAD: /Only a DBA can start runs on the protected environment/,
        DBA: /is protected: runs need an approved maintenance window/,
        ADMIN: /is protected: runs need an approved maintenance window/,
      },
    },
  ]
  const [environment] = await query<{ id: string }>('SELECT "id" FROM "Environment" WHERE "name" = $1', [
    target.environmentName,
  ])
  for (const move of moves) if ('environmentId' in move.input) move.input.environmentId = environment?.id
  const mismatches: string[] = []
  for (const role of ROLES) {
    const page = await (await browser.newContext()).newPage()
    await signIn(page, await seedUser(role, `attacker ${role.toLowerCase()}`))
    const request = page.context().request
    for (const move of moves) {
      const reply = await callServerAction(request, BASE_URL, move.id, [move.input])
      if (!move.expect[role].test(reply))
        mismatches.push(`${move.name} as ${role}: expected ${move.expect[role]}, got ${reply.slice(-300)}`)
    }
    // Every API that returns rows: editors read the values, stakeholders counts, keys and column names only.
    for (const url of [
      `/api/runs/${target.runId}`,
      `/api/runs/${target.runId}/rejects?step=${target.stepRunId}`,
      `/api/validations/${target.validationId}`,
    ]) {
      const response = await request.get(url)
      const body = await response.text()
      if (response.status() !== 200) mismatches.push(`GET ${url} as ${role}: ${response.status()}`)
      else if (body.includes(ROW_SECRET) !== (role !== 'STAKEHOLDER'))
        mismatches.push(`GET ${url} as ${role}: ${role === 'STAKEHOLDER' ? 'shows' : 'hides'} row values`)
    }
    await page.context().close()
  }
  expect(mismatches).toEqual([])
  // Nothing the refused moves aimed at changed: the step, the run, no run, restore or validation queued.
  expect(await query('SELECT "body" FROM "Step" WHERE "id" = $1', [target.stepId])).toEqual([{ body: target.stepBody }])
  expect(
    await query<{ status: string }>('SELECT "status"::text AS status FROM "Run" WHERE "planId" = $1', [target.planId]),
  ).toEqual([{ status: 'WAITING' }])
  expect(await query('SELECT 1 FROM "Restore" WHERE "backupId" = $1', [target.backupId])).toEqual([])
  expect(
    await query(`SELECT 1 FROM "Validation" WHERE "planId" = $1 AND "status" = 'QUEUED'`, [target.planId]),
  ).toEqual([])
  expect(
    await query(`SELECT 1 FROM "ValidationRule" WHERE "planId" = $1 AND "sql" ILIKE '%pg_terminate_backend%'`, [
      target.planId,
    ]),
  ).toEqual([])
})
