import { Options } from '@/components/ui/options'
import { ROLE_LABELS, ROLES } from '@/lib/auth/permissions'

/** The roles as <option>s, in the permission table's order, with their display names. */
export function RoleOptions() {
  return <Options values={ROLES} labels={ROLE_LABELS} />
}
