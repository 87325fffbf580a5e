import { createHash } from 'node:crypto'
import type { StepKind } from '@/lib/generated/prisma/enums'

// What a run executes, as checksums: a run fixes each step's content when it is queued, a DBA's lint
// acceptance belongs to the scripts it was given for, and an approved window to the phases' content as
// it was approved. Any change of a script, a rollback script or a step's configuration changes these.

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

export type StepContent = { kind: StepKind; body: string; rollbackBody: string | null; config: unknown }

/** A script and its rollback script, in the history table's own terms (the checksum of each text). */
export const scriptsChecksum = (step: { body: string; rollbackBody: string | null }) =>
  sha256(`${sha256(step.body)} ${step.rollbackBody == null ? 'no-rollback' : sha256(step.rollbackBody)}`)

/** JSON with its object keys sorted, so equal configurations always read the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`
  }
  return JSON.stringify(value ?? null)
}

/** Everything of a step that decides what it does on a database. */
export const stepChecksum = (step: StepContent) =>
  sha256(`${step.kind}\n${scriptsChecksum(step)}\n${canonical(step.config)}`)

/** A phase's steps in run order; a phase with no steps has a checksum too. */
export const phaseChecksum = (steps: readonly StepContent[]) => sha256(steps.map(stepChecksum).join('\n'))

/** One script as the target's history table checksums it (sha256 of its text): what a run compares. */
export const scriptChecksum = (sql: string) => sha256(sql)
