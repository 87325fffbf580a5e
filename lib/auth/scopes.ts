import type { ApiScope } from '@/lib/generated/prisma/enums'
import type { Permission } from './permissions'

// What an API token's scopes let it do. A scope only ever narrows its owner's role (lib/server/authorize.ts
// checks both); anything not listed here – approving windows, resolving runs, overriding promotion, managing
// people, connections or backups, reading the audit log, one's own account – no token can do at all.

export const API_SCOPES = ['READ', 'PLANS_WRITE', 'RUNS_START'] as const satisfies readonly ApiScope[]

/** The names the API, the CLI and the pages use for scopes. */
export const SCOPE_NAMES: Record<ApiScope, string> = {
  READ: 'read',
  PLANS_WRITE: 'plans:write',
  RUNS_START: 'runs:start',
}

export const SCOPE_DESCRIPTIONS: Record<ApiScope, string> = {
  READ: 'Read plans, previews, runs, their logs and validations.',
  PLANS_WRITE: 'Create and update SQL steps; request maintenance windows.',
  RUNS_START: 'Start runs and dry runs (protected environments still need an approved window).',
}

const SCOPE_PERMISSIONS: Record<ApiScope, readonly Permission[]> = {
  // connection:read only decides whether row values and error texts are shown (seesRowData): a token reads a
  // validation or a run's log as its owner's role would, and no API route reads connections.
  READ: ['plan:read', 'report:read', 'window:read', 'run:read', 'connection:read'],
  PLANS_WRITE: ['plan:edit', 'window:request'],
  RUNS_START: ['run:start', 'run:start-protected'],
}

/** True when one of `scopes` lists `permission`. Fails closed for anything unknown. */
export function scopesAllow(scopes: readonly ApiScope[], permission: string): boolean {
  return scopes.some((scope) => (SCOPE_PERMISSIONS[scope] as readonly string[] | undefined)?.includes(permission))
}

/** The scope that grants `permission`, to name it in a refusal; null when no scope does. */
export function scopeFor(permission: string): ApiScope | null {
  return API_SCOPES.find((scope) => (SCOPE_PERMISSIONS[scope] as readonly string[]).includes(permission)) ?? null
}

export const scopeFromName = (name: string): ApiScope | null =>
  API_SCOPES.find((scope) => SCOPE_NAMES[scope] === name) ?? null
