import type { Metadata } from 'next'
import { connection } from 'next/server'
import type { ReactNode } from 'react'
import { Providers } from '@/components/providers'
import './globals.css'

export const metadata: Metadata = {
  title: { default: 'Lockstep', template: '%s · Lockstep' },
  description: 'The control plane for database migrations.',
  icons: '/icon.svg',
}

// Rendered for each request: every page carries the nonce of its request's Content-Security-Policy (proxy.ts).
export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection()
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <Providers>{children}</Providers>
      </body>
    </html>
  )
}
