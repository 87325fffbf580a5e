import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { AuthCard } from '@/components/auth/auth-card'
import { PlainHttpNotice } from '@/components/auth/plain-http-notice'
import { SignInForm } from '@/components/auth/sign-in-form'
import { SsoSignIn } from '@/components/auth/sso-sign-in'
import { getEnrollingActor } from '@/lib/auth/current-user'
import { insecureSignInHost } from '@/lib/auth/origin'
import { ssoButton } from '@/lib/auth/sso'
import { ssoRefusalMessage } from '@/lib/auth/sso-messages'

export const metadata: Metadata = { title: 'Sign in' }

type Search = { next?: string | string[]; sso?: string | string[]; error?: string | string[] }

export default async function LoginPage({ searchParams }: { searchParams: Promise<Search> }) {
  const session = await getEnrollingActor()
  if (session) redirect(session.mustEnrolMfa ? '/account/security' : '/')
  const { next, sso, error } = await searchParams
  const plainHttpHost = await insecureSignInHost()
  const button = ssoButton()
  const after = typeof next === 'string' ? next : '/'
  return (
    <AuthCard title="Sign in">
      {plainHttpHost ? <PlainHttpNotice host={plainHttpHost} /> : null}
      <SignInForm next={after} />
      {button ? (
        <div className="mt-4">
          <SsoSignIn name={button.name} next={after} refusal={ssoRefusalMessage(sso, error)} />
        </div>
      ) : null}
    </AuthCard>
  )
}
