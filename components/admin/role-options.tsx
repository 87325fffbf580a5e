import { ROLE_LABELS, ROLES } from '@/lib/auth/permissions'

/** The roles as <option>s, in the permission table's order, with their display names. */
export function RoleOptions() {
  return ROLES.map((role) => (
    <option key={role} value={role}>
      {ROLE_LABELS[role]}
    </option>
  ))
}
