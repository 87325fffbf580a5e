import { can, type Permission } from '@/lib/auth/permissions'
import type { Role } from '@/lib/generated/prisma/enums'

export type NavItem = { href: string; label: string; permission: Permission }

export const NAV_ITEMS: readonly NavItem[] = [
  { href: '/plans', label: 'Plans', permission: 'plan:read' },
  { href: '/windows', label: 'Windows', permission: 'window:read' },
  { href: '/connections', label: 'Connections', permission: 'connection:read' },
  { href: '/runs', label: 'Runs', permission: 'run:read' },
  { href: '/reports', label: 'Reports', permission: 'report:read' },
  { href: '/admin/users', label: 'Admin', permission: 'user:manage' },
]

export function navItemsFor(role: Role): NavItem[] {
  return NAV_ITEMS.filter((item) => can(role, item.permission))
}
