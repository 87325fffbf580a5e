import type { Metadata } from 'next'
import { AdminTabs } from '@/components/admin/admin-tabs'
import { CreateUserForm } from '@/components/admin/create-user-form'
import { UserTable } from '@/components/admin/user-table'
import { Card, CardHeader } from '@/components/ui/card'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'
import { listUsersForAdmin } from '@/lib/server/users/queries'

export const metadata: Metadata = { title: 'Users' }

export default async function UsersPage() {
  const actor = await requirePageActor('user:manage')
  const users = await listUsersForAdmin(actor)
  return (
    <>
      <PageHeader title="Admin" description="People who can sign in to Lockstep, and what each may do." />
      <AdminTabs current="users" />
      <div className="space-y-6">
        <Card>
          <CardHeader
            title="Users"
            description={`${users.filter((u) => u.isActive).length} active of ${users.length}`}
          />
          <UserTable users={users} currentUserId={actor.id} />
        </Card>
        <Card>
          <CardHeader title="Add a user" description="They sign in with this email and password." />
          <div className="p-5">
            <CreateUserForm />
          </div>
        </Card>
      </div>
    </>
  )
}
