import type { Metadata } from 'next'
import { AdminTabs } from '@/components/admin/admin-tabs'
import { RequireSsoForm } from '@/components/admin/require-sso-form'
import { Badge } from '@/components/ui/badge'
import { Card, CardHeader } from '@/components/ui/card'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'
import { currentSso } from '@/lib/auth/sso'
import { getSignInSettings } from '@/lib/server/settings/sign-in-settings'

export const metadata: Metadata = { title: 'Sign-in settings' }

export default async function SignInSettingsPage() {
  const actor = await requirePageActor('user:manage')
  const sso = currentSso()
  const settings = await getSignInSettings(actor, sso !== null)
  return (
    <>
      <PageHeader title="Admin" description="People who can sign in to Lockstep, and what each may do." />
      <AdminTabs current="sign-in" />
      <Card>
        <CardHeader
          title="Single sign-on"
          description={
            sso
              ? `People sign in through ${sso.issuer} with “Continue with ${sso.name}”.`
              : 'Not configured. Set AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET to turn it on (see the README).'
          }
          actions={
            <Badge tone={settings.requireSso ? 'success' : 'neutral'}>
              {settings.requireSso ? 'Required' : 'Not required'}
            </Badge>
          }
        />
        <div className="space-y-3 p-5 text-sm text-zinc-600">
          <p>
            When single sign-on is required, password sign-in is refused for everyone but admins, who keep theirs in
            case the identity provider fails. People without a password always sign in through single sign-on.
          </p>
          {sso ? <RequireSsoForm requireSso={settings.requireSso} /> : null}
        </div>
      </Card>
    </>
  )
}
