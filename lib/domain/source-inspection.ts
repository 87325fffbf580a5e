import type { SourceEngine, SourceProfile } from './source-profile'

// Reading a plan's source for the mapping editor, done by the worker (which alone runs the copy engine) and
// polled by the browser: a profile (tables, columns, what their values look like, orphans – what the one-click
// rules need), or a preview of one table as a copy through a mapping would make it.

export const INSPECTION_KINDS = ['profile', 'preview'] as const
export type InspectionKind = (typeof INSPECTION_KINDS)[number]
export const INSPECTION_STATES = ['QUEUED', 'RUNNING', 'DONE', 'FAILED'] as const
export type InspectionState = (typeof INSPECTION_STATES)[number]

/** Rows a preview shows: the first ones in key order, as they will arrive. */
export const PREVIEW_ROWS = 20

/** A value as it will arrive on the target (COPY's text, NULL as null), or why it will not: the row is rejected. */
export type PreviewCell = { value: string | null; misfit?: string }

export type TablePreview = {
  /** The table as the source names it, and as the target will. */
  table: string
  targetName: string
  /** The target's CREATE TABLE (keys, indexes and foreign keys follow after the load). */
  createTable: string
  /** The columns as they arrive: the target's name and type, the source column, and its transform if any. */
  columns: { name: string; type: string; source: string; transform?: string }[]
  /** At most PREVIEW_ROWS rows, each with its key as people read it. */
  rows: { key: string; cells: PreviewCell[] }[]
  /** Rows of the table, and how many of them the mapping's filter keeps (equal without a filter). */
  totalRows: number
  keptRows: number
  warnings: string[]
}

export type InspectionResult =
  | { kind: 'profile'; engine: SourceEngine; source: string; profile: SourceProfile }
  | { kind: 'preview'; engine: SourceEngine; source: string; preview: TablePreview }

export type InspectionDTO = {
  id: string
  kind: InspectionKind
  state: InspectionState
  result: InspectionResult | null
  error: string | null
  createdAt: string
}

/** An inspection that has not ended yet. */
export const isLiveInspection = (state: InspectionState) => state === 'QUEUED' || state === 'RUNNING'
