import type { Role } from '@/lib/generated/prisma/enums'

export const ROLES = ['ADMIN', 'LEAD', 'DBA', 'STAKEHOLDER'] as const satisfies readonly Role[]

export const ROLE_LABELS: Record<Role, string> = {
  ADMIN: 'Admin',
  LEAD: 'Project lead',
  DBA: 'DBA',
  STAKEHOLDER: 'Stakeholder',
}

const EDITORS: readonly Role[] = ['ADMIN', 'LEAD', 'DBA']
const DBAS: readonly Role[] = ['ADMIN', 'DBA']
const EVERYONE: readonly Role[] = ROLES

// Who may do what. Anything not listed here is denied.
const PERMISSIONS = {
  'plan:read': EVERYONE,
  'plan:edit': EDITORS,
  'report:read': EVERYONE,
  'window:read': EVERYONE,
  'window:request': EDITORS,
  'window:approve': DBAS,
  'connection:read': EDITORS,
  'connection:manage': DBAS,
  // Letting a connection reach Lockstep's own database server, whose data is everyone's roles and secrets.
  'connection:own-server': ['ADMIN'],
  'run:read': EVERYONE,
  'run:start': EDITORS,
  'run:start-protected': DBAS,
  'run:resolve': DBAS,
  // Starting one run although the phase has not succeeded with the same content on the previous environment.
  'run:override-promotion': DBAS,
  'backup:restore': DBAS,
  'user:manage': ['ADMIN'],
  'audit:read': ['ADMIN'],
  // Outbound webhooks: where Lockstep sends word of its events, signed with secrets only admins see once.
  'webhook:manage': ['ADMIN'],
  // One's own notices, their read state and which kinds come by email: personal, not a change to any plan,
  // so stakeholders too.
  'notification:read': EVERYONE,
  // One's own sign-in: setting up two-factor sign-in, confirming a code.
  'account:own': EVERYONE,
} as const satisfies Record<string, readonly Role[]>

export type Permission = keyof typeof PERMISSIONS

/** Fails closed: an unknown permission, role or missing role is denied. */
export function can(role: Role | null | undefined, permission: string): boolean {
  if (!role || !Object.hasOwn(PERMISSIONS, permission)) return false
  const allowed: readonly Role[] = PERMISSIONS[permission as Permission]
  return allowed.includes(role)
}
