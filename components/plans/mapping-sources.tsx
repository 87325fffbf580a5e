'use client'

import { createContext, use, type ReactNode } from 'react'

/** An environment on which the plan has a source connection: where the mapping editor can read the source. */
export type SourceEnvironment = { id: string; name: string; protected: boolean }

type MappingSourcesValue = { planId: string; environments: SourceEnvironment[] }

// The copy step forms sit deep inside phase cards and step lists; the plan page provides what their mapping
// editors read from once, instead of threading it through every component on the way.
const MappingSourcesContext = createContext<MappingSourcesValue | null>(null)

/** The plan and its environments with a source connection, for the mapping editors below. */
export function MappingSources({ planId, environments, children }: MappingSourcesValue & { children: ReactNode }) {
  return <MappingSourcesContext value={{ planId, environments }}>{children}</MappingSourcesContext>
}

/** Null outside a plan page: the editor then edits the saved entries only. */
export const useMappingSources = () => use(MappingSourcesContext)
