import { z } from 'zod'
import { REPORT_STATUSES } from '@/lib/domain/report-values'
import { parseStored } from '@/lib/domain/stored-json'
import { shortId } from '@/lib/domain/short-id'
import {
  CriterionStatus,
  PlanStatus,
  RiskImpact,
  RiskLikelihood,
  RiskStatus,
  RunStatus,
  ValidationStatus,
  WindowStatus,
} from '@/lib/generated/prisma/enums'
import type { ReportDTO } from './queries'

// A report snapshot (ReportSnapshot.report) is the report as it was built then: read back, it is parsed against the
// report's shape, so a snapshot taken by an earlier version is read as what it holds (steps were counted later).

const PHASE_STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'FAILED', 'DONE', 'BLOCKED'] as const
const date = z.string().nullable()

const ZStoredReport: z.ZodType<ReportDTO> = z.object({
  plan: z.object({
    id: z.string(),
    title: z.string(),
    status: z.enum(PlanStatus),
    ownerName: z.string(),
    startDate: date,
  }),
  generatedAt: z.string(),
  verdict: z.object({ status: z.enum(REPORT_STATUSES), reasons: z.array(z.string()) }),
  progress: z.number(),
  phases: z.array(
    z.object({
      name: z.string(),
      status: z.enum(PHASE_STATUSES),
      plannedStart: date,
      plannedEnd: date,
      plannedLabel: z.string().nullable(),
      actualStart: date,
      actualEnd: date,
      slippageDays: z.number().nullable(),
      itemsDone: z.number(),
      itemsTotal: z.number(),
      stepsDone: z.number().optional(),
      stepCount: z.number().optional(),
    }),
  ),
  windows: z.array(
    z.object({
      environmentName: z.string(),
      phaseName: z.string().nullable(),
      status: z.enum(WindowStatus),
      startsAt: z.string(),
      endsAt: z.string(),
      active: z.boolean(),
    }),
  ),
  risks: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      impact: z.enum(RiskImpact).nullable(),
      likelihood: z.enum(RiskLikelihood).nullable(),
      score: z.number().nullable(),
      status: z.enum(RiskStatus),
      owner: z.string().nullable(),
      mitigation: z.string(),
      critical: z.boolean(),
    }),
  ),
  runs: z.array(
    z.object({
      id: z.string(),
      phaseName: z.string(),
      environmentName: z.string(),
      status: z.enum(RunStatus),
      dryRun: z.boolean(),
      startedAt: date,
      finishedAt: date,
      seconds: z.number().nullable(),
    }),
  ),
  validation: z
    .object({
      id: z.string(),
      status: z.enum(ValidationStatus),
      environmentName: z.string(),
      finishedAt: date,
      tables: z.number(),
      matching: z.number(),
      differing: z.number(),
      findings: z.number(),
      rulesFailed: z.number(),
    })
    .nullable(),
  criteria: z.array(
    z.object({
      text: z.string(),
      status: z.enum(CriterionStatus),
      evidenceId: z.string().nullable(),
      evaluatedAt: date,
    }),
  ),
  cutover: z
    .object({
      stepName: z.string(),
      environmentName: z.string(),
      switchedAt: z.string(),
      downtimeMs: z.number(),
      runId: z.string().nullable(),
    })
    .nullable()
    .optional(),
})

/** A snapshot's report, parsed; a `StoredDataError` names the snapshot when it does not have the report's shape. */
export function parseStoredReport(json: unknown, snapshotId: string): ReportDTO {
  const report = parseStored(ZStoredReport, json, `report of snapshot ${shortId(snapshotId)}`)
  if (!report) throw new Error(`The snapshot ${shortId(snapshotId)} holds no report.`)
  return report
}
