import type { Role } from '@/lib/generated/prisma/enums'
import { ROLES } from './permissions'

/** One entry of AUTH_OIDC_ROLE_MAP: members of `group` get `role`. */
export type RoleMapping = { group: string; role: Role }

// When a person is in several mapped groups, the most powerful role wins – the order of the map does not matter.
const PRECEDENCE: readonly Role[] = ['ADMIN', 'DBA', 'LEAD', 'STAKEHOLDER']

/**
 * Parses "ldap-dbas=DBA,platform-admins=ADMIN": comma-separated `group=ROLE` entries (the role after the
 * last `=`, so a group name may contain one). Answers the mappings, or the problems, each naming its entry.
 */
export function parseRoleMap(value: string): { mappings: RoleMapping[]; problems: string[] } {
  const mappings: RoleMapping[] = []
  const problems: string[] = []
  for (const entry of value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const at = entry.lastIndexOf('=')
    const group = at > 0 ? entry.slice(0, at).trim() : ''
    const role =
      at > 0
        ? entry
            .slice(at + 1)
            .trim()
            .toUpperCase()
        : ''
    if (!group || !(ROLES as readonly string[]).includes(role))
      problems.push(`has “${entry.slice(0, 80)}”, which is not group=ROLE with ROLE one of ${ROLES.join(', ')}`)
    else mappings.push({ group, role: role as Role })
  }
  return { mappings, problems }
}

/** The groups a claim names: an array of strings, or one string. Anything else names none. */
export function groupsOf(claim: unknown): string[] {
  if (typeof claim === 'string') return [claim]
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === 'string')
  return []
}

/** The role `groups` map to – the highest by precedence ADMIN > DBA > LEAD > STAKEHOLDER – or null when none maps. */
export function mappedRole(groups: readonly string[], mappings: readonly RoleMapping[]): Role | null {
  const member = new Set(groups)
  const roles = new Set(mappings.filter((m) => member.has(m.group)).map((m) => m.role))
  return PRECEDENCE.find((role) => roles.has(role)) ?? null
}
