import type { ReactNode } from 'react'

/** The centred card of the pages outside the console: signing in, setting up two-factor sign-in. */
export function AuthCard({ title, wide = false, children }: { title: string; wide?: boolean; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-8">
      <div className={wide ? 'w-full max-w-lg' : 'w-full max-w-sm'}>
        <div className="mb-8 text-center">
          <p className="text-2xl font-semibold tracking-tight">Lockstep</p>
          <p className="mt-1 text-sm text-zinc-500">The control plane for database migrations</p>
        </div>
        <div className="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
          <h1 className="mb-4 text-lg font-semibold">{title}</h1>
          {children}
        </div>
      </div>
    </main>
  )
}
