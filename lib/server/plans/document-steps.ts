import type { Prisma } from '@/lib/db'
import type { Step, StepKind } from '@/lib/generated/prisma/client'
import {
  backupConfigOf,
  copyConfigOf,
  manualConfigOf,
  observeConfigOf,
  storedCopyConfig,
  validateConfigOf,
} from '@/lib/domain/step-kinds'
import {
  checkStepConfig,
  isConfiguredKind,
  type ConfiguredKind,
  type DocCopyConfig,
} from '@/lib/plan-document/step-config'
import type { DocStep } from '@/lib/plan-document/types'

// A plan's steps as a document says them and back: SQL as its script, the configured kinds (copy with its
// mapping, validate, backup, observe, manual) with their settings.

// Sync and cutover steps travel as notes: a document does not yet say their settings.
const DOC_KINDS: Partial<Record<StepKind, ConfiguredKind>> = {
  COPY: 'copy',
  VALIDATE: 'validate',
  BACKUP: 'backup',
  OBSERVE: 'observe',
  MANUAL: 'manual',
}
const STEP_KINDS: Record<ConfiguredKind, Exclude<StepKind, 'SQL'>> = {
  copy: 'COPY',
  validate: 'VALIDATE',
  backup: 'BACKUP',
  observe: 'OBSERVE',
  manual: 'MANUAL',
}

function settingsOf(step: Pick<Step, 'kind' | 'config'>): unknown {
  switch (step.kind) {
    case 'COPY': {
      const c = copyConfigOf(step.config)
      const { tables, schemas, mode, jobs, chunkRows, maxRejectedRows, reload, existingRows, mapping } = c
      return { tables, schemas, mode, jobs, chunkRows, maxRejectedRows, reload, existingRows, mapping }
    }
    case 'VALIDATE':
      return validateConfigOf(step.config)
    case 'BACKUP':
      return backupConfigOf(step.config)
    case 'OBSERVE':
      return observeConfigOf(step.config)
    case 'MANUAL':
      return { requireChecklist: manualConfigOf(step.config).requireChecklist === true }
    default:
      return null
  }
}

/** A saved step for the document; one whose settings no longer hold (saved by an older version) travels as a note. */
export function docStepOf(step: Pick<Step, 'kind' | 'name' | 'body' | 'config'>): DocStep {
  if (step.kind === 'SQL') return { kind: 'sql', name: step.name, language: 'sql', body: step.body }
  const kind = DOC_KINDS[step.kind]
  if (!kind) return { kind: 'note', name: step.name, language: step.kind.toLowerCase(), body: step.body }
  const { config } = checkStepConfig(kind, settingsOf(step))
  if (!config) return { kind: 'note', name: step.name, language: kind, body: step.body }
  return { kind, name: step.name, language: null, body: kind === 'manual' ? step.body : '', config }
}

/** What a step of the document saves as (not a note); an emptying of the target is never confirmed by a document. */
export function stepDataOf(step: DocStep): { kind: StepKind; body: string; config: Prisma.InputJsonObject } {
  if (!isConfiguredKind(step.kind)) return { kind: 'SQL', body: step.body, config: {} }
  // ZDocStep has checked the settings of every configured step.
  const settings = step.config ?? {}
  const config =
    step.kind === 'copy'
      ? storedCopyConfig({ ...(settings as DocCopyConfig), emptyConfirmed: false })
      : (settings as Prisma.InputJsonObject)
  return { kind: STEP_KINDS[step.kind], body: step.kind === 'manual' ? step.body : '', config }
}
