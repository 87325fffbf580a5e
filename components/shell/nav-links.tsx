'use client'

import Link from 'next/link'
import { usePathname } from 'next/navigation'
import { cn } from '@/components/ui/cn'

type Item = { href: string; label: string; badge?: { count: number; label: string } }

export function NavLinks({ items }: { items: Item[] }) {
  const pathname = usePathname()
  return (
    <nav aria-label="Main" className="flex flex-row flex-wrap gap-1 md:flex-col md:gap-0.5">
      {items.map((item) => {
        const section = item.href.split('/').slice(0, 2).join('/')
        const active = pathname === item.href || pathname.startsWith(`${section}/`) || pathname === section
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? 'page' : undefined}
            className={cn(
              'rounded-md px-3 py-2 text-sm font-medium',
              active ? 'bg-zinc-800 text-white' : 'text-zinc-300 hover:bg-zinc-800/60 hover:text-white',
            )}
          >
            {item.label}
            {item.badge ? (
              <span
                className="ml-2 inline-flex min-w-5 items-center justify-center rounded-full bg-amber-400 px-1.5 text-xs font-semibold text-zinc-900"
                data-testid="nav-badge"
              >
                {item.badge.count}
                <span className="sr-only"> – {item.badge.label}</span>
              </span>
            ) : null}
          </Link>
        )
      })}
    </nav>
  )
}
