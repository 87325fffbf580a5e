import Link from 'next/link'
import { cn } from '@/components/ui/cn'

const TABS = [
  { key: 'users', href: '/admin/users', label: 'Users' },
  { key: 'service-accounts', href: '/admin/service-accounts', label: 'Service accounts' },
  { key: 'audit', href: '/admin/audit', label: 'Audit log' },
  { key: 'webhooks', href: '/admin/webhooks', label: 'Webhooks' },
  { key: 'sign-in', href: '/admin/sign-in', label: 'Sign-in' },
] as const

export function AdminTabs({ current }: { current: (typeof TABS)[number]['key'] }) {
  return (
    <nav aria-label="Admin sections" className="mb-6 flex gap-1 overflow-x-auto border-b border-zinc-200">
      {TABS.map((tab) => (
        <Link
          key={tab.key}
          href={tab.href}
          aria-current={tab.key === current ? 'page' : undefined}
          className={cn(
            '-mb-px border-b-2 px-3 py-2 text-sm font-medium',
            tab.key === current
              ? 'border-indigo-600 text-indigo-700'
              : 'border-transparent text-zinc-600 hover:text-zinc-900',
          )}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  )
}
