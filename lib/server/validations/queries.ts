import 'server-only'
import { can } from '@/lib/auth/permissions'
import { db } from '@/lib/db'
import type { CriterionStatus, RuleAction, RuleSeverity, ValidationStatus } from '@/lib/generated/prisma/enums'
import { bindingOf, CHECK_LABELS } from '@/lib/domain/criteria'
import { parseValidationReport, type ValidationReport } from '@/lib/domain/validation-report'
import type { UserActor } from '@/lib/server/actor'
import { assertCan, seesRowData } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'

// Reading validations: a plan's validation page (history, rules, bound criteria) and one validation's
// report, live while it runs. Every role may read them; reports carry connection names, never addresses.

export type ValidationSummary = {
  id: string
  status: ValidationStatus
  environmentName: string
  requestedByName: string | null
  /** The run whose validate step made it, if any. */
  runId: string | null
  tables: number
  mismatched: number
  findings: number
  createdAt: string
  finishedAt: string | null
}

export type ValidationDTO = ValidationSummary & {
  planId: string
  planTitle: string
  requestedTables: string[]
  error: string | null
  startedAt: string | null
  report: ValidationReport | null
  canCancel: boolean
}

export type ValidationPageDTO = {
  plan: { id: string; title: string }
  environments: { id: string; name: string; ready: boolean }[]
  history: ValidationSummary[]
  rules: { id: string; name: string; sql: string; severity: RuleSeverity; action: RuleAction }[]
  criteria: {
    id: string
    text: string
    status: CriterionStatus
    binding: string
    bindingLabel: string | null
    evidenceId: string | null
    evaluatedAt: string | null
  }[]
  canEdit: boolean
  canValidate: boolean
}

const WITH_NAMES = {
  environment: { select: { name: true } },
  requestedBy: { select: { name: true } },
  stepRun: { select: { runId: true } },
  plan: { select: { title: true } },
} as const
type Row = Awaited<ReturnType<typeof loadValidation>>
const loadValidation = (id: string) => db.validation.findUnique({ where: { id }, include: WITH_NAMES })

function summaryOf(v: NonNullable<Row>): ValidationSummary {
  const report = parseValidationReport(v.report, v.id)
  return {
    id: v.id,
    status: v.status,
    environmentName: v.environment.name,
    requestedByName: v.requestedBy?.name ?? null,
    runId: v.stepRun?.runId ?? null,
    tables: report?.tables.length ?? 0,
    mismatched: report?.tables.filter((t) => t.state === 'MISMATCHED' || t.state === 'ERROR').length ?? 0,
    findings: (report?.integrity.length ?? 0) + (report?.rules.filter((r) => !r.passed).length ?? 0),
    createdAt: v.createdAt.toISOString(),
    finishedAt: v.finishedAt?.toISOString() ?? null,
  }
}

const WITHHELD = 'Withheld: editors can read it.'

/**
 * The report as a reader without access to row data sees it: counts, states, keys and column names – no
 * values of differing rows, no integrity or rule samples, no error texts (they can quote values).
 */
export function reportForStakeholder(report: ValidationReport): ValidationReport {
  return {
    ...report,
    tables: report.tables.map((t) => ({
      ...t,
      samples: t.samples.map((d) => ({
        ...d,
        columns: d.columns.map((c) => ({ column: c.column, source: null, target: null })),
      })),
      ...(t.error ? { error: WITHHELD } : {}),
    })),
    integrity: report.integrity.map((f) => ({ ...f, samples: [] })),
    rules: report.rules.map((r) => ({ ...r, samples: [], ...(r.error ? { error: WITHHELD } : {}) })),
    warnings: report.warnings.length
      ? [
          `${report.warnings.length} warning${report.warnings.length === 1 ? '' : 's'}; editors can read ${report.warnings.length === 1 ? 'it' : 'them'}.`,
        ]
      : [],
    ...(report.error ? { error: WITHHELD } : {}),
  }
}

/** Everyone; row values and error texts for editors only (reportForStakeholder). */
export async function getValidation(actor: UserActor, validationId: string): Promise<ValidationDTO> {
  assertCan(actor, 'plan:read')
  if (!ZId.safeParse(validationId).success) throw notFound('Validation')
  const v = await loadValidation(validationId)
  if (!v) throw notFound('Validation')
  const rowData = seesRowData(actor)
  const report = parseValidationReport(v.report, v.id)
  return {
    ...summaryOf(v),
    planId: v.planId,
    planTitle: v.plan.title,
    requestedTables: v.tables,
    error: v.error && !rowData ? WITHHELD : v.error,
    startedAt: v.startedAt?.toISOString() ?? null,
    report: report && !rowData ? reportForStakeholder(report) : report,
    canCancel:
      (v.status === 'QUEUED' || v.status === 'RUNNING') &&
      !v.cancelRequested &&
      !v.stepRunId &&
      can(actor.role, 'run:start'),
  }
}

export async function validationPage(actor: UserActor, planId: string): Promise<ValidationPageDTO> {
  assertCan(actor, 'plan:read')
  if (!ZId.safeParse(planId).success) throw notFound('Plan')
  const plan = await db.plan.findUnique({
    where: { id: planId },
    select: {
      id: true,
      title: true,
      environments: {
        include: { environment: { select: { id: true, name: true } } },
        orderBy: { environment: { name: 'asc' } },
      },
      validationRules: { orderBy: { position: 'asc' } },
      successCriteria: { orderBy: { position: 'asc' } },
    },
  })
  if (!plan) throw notFound('Plan')
  const history = await db.validation.findMany({
    where: { planId },
    orderBy: { createdAt: 'desc' },
    take: 50,
    include: WITH_NAMES,
  })
  return {
    plan: { id: plan.id, title: plan.title },
    environments: plan.environments.map((e) => ({
      id: e.environment.id,
      name: e.environment.name,
      ready: !!e.sourceConnectionId && !!e.targetConnectionId,
    })),
    history: history.map(summaryOf),
    rules: plan.validationRules.map((r) => ({
      id: r.id,
      name: r.name,
      sql: r.sql,
      severity: r.severity,
      action: r.action,
    })),
    criteria: plan.successCriteria.map((c) => {
      const binding = bindingOf(c.binding)
      const rule = binding?.ruleId ? plan.validationRules.find((r) => r.id === binding.ruleId) : undefined
      return {
        id: c.id,
        text: c.text,
        status: c.status,
        binding: !binding ? 'none' : binding.check === 'rule' ? `rule:${binding.ruleId ?? ''}` : binding.check,
        bindingLabel: !binding
          ? null
          : binding.check === 'rule'
            ? `rule “${rule?.name ?? 'removed'}” passes`
            : CHECK_LABELS[binding.check],
        evidenceId: c.evidenceId,
        evaluatedAt: c.evaluatedAt?.toISOString() ?? null,
      }
    }),
    canEdit: can(actor.role, 'plan:edit'),
    canValidate: can(actor.role, 'run:start'),
  }
}
