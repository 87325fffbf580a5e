import type { Metadata } from 'next'
import Link from 'next/link'
import { redirect } from 'next/navigation'
import { AuthCard } from '@/components/auth/auth-card'
import { MfaEnrolment } from '@/components/auth/mfa-enrolment'
import { SignOutButton } from '@/components/auth/sign-out-button'
import { Timestamp } from '@/components/ui/timestamp'
import { getEnrollingActor } from '@/lib/auth/current-user'
import { ROLE_LABELS } from '@/lib/auth/permissions'
import { getMfaStatus } from '@/lib/server/users/mfa'

export const metadata: Metadata = { title: 'Two-factor sign-in' }

export default async function SecurityPage() {
  const session = await getEnrollingActor()
  if (!session) redirect('/login')
  const { actor, mustEnrolMfa } = session
  const status = await getMfaStatus(actor)
  return (
    <AuthCard title="Two-factor sign-in" wide>
      <div className="space-y-4 text-sm">
        {status.enabledAt ? (
          <div className="space-y-2" data-testid="mfa-status">
            <p>
              On for <strong className="font-medium">{actor.email}</strong> since <Timestamp iso={status.enabledAt} />.
            </p>
            <p>
              {status.recoveryCodesLeft} of 10 recovery codes left.{' '}
              {status.recoveryCodesLeft <= 3
                ? 'Running low: ask an admin to reset two-factor sign-in and set it up again for new codes.'
                : null}
            </p>
            <p className="text-zinc-500">
              Lost your authenticator and your recovery codes? An admin can reset two-factor sign-in for you.
            </p>
          </div>
        ) : (
          <MfaEnrolment
            email={actor.email}
            notice={
              mustEnrolMfa
                ? `Your role (${ROLE_LABELS[actor.role]}) can change production, so signing in takes a code from an authenticator app as well as your password. Set it up to continue.`
                : null
            }
          />
        )}
        <div className="flex items-center justify-between border-t border-zinc-100 pt-4">
          {mustEnrolMfa ? (
            <span />
          ) : (
            <Link href="/" className="font-medium text-indigo-700 hover:underline">
              Back to Lockstep
            </Link>
          )}
          <SignOutButton className="text-zinc-500 hover:text-zinc-800" />
        </div>
      </div>
    </AuthCard>
  )
}
