import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { AuthCard } from '@/components/auth/auth-card'
import { PlainHttpNotice } from '@/components/auth/plain-http-notice'
import { SignInForm } from '@/components/auth/sign-in-form'
import { getEnrollingActor } from '@/lib/auth/current-user'
import { insecureSignInHost } from '@/lib/auth/origin'

export const metadata: Metadata = { title: 'Sign in' }

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const session = await getEnrollingActor()
  if (session) redirect(session.mustEnrolMfa ? '/account/security' : '/')
  const { next } = await searchParams
  const plainHttpHost = await insecureSignInHost()
  return (
    <AuthCard title="Sign in">
      {plainHttpHost ? <PlainHttpNotice host={plainHttpHost} /> : null}
      <SignInForm next={typeof next === 'string' ? next : '/'} />
    </AuthCard>
  )
}
