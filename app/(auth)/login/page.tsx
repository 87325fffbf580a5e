import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { AuthCard } from '@/components/auth/auth-card'
import { SignInForm } from '@/components/auth/sign-in-form'
import { getEnrollingActor } from '@/lib/auth/current-user'

export const metadata: Metadata = { title: 'Sign in' }

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const session = await getEnrollingActor()
  if (session) redirect(session.mustEnrolMfa ? '/account/security' : '/')
  const { next } = await searchParams
  return (
    <AuthCard title="Sign in">
      <SignInForm next={typeof next === 'string' ? next : '/'} />
    </AuthCard>
  )
}
