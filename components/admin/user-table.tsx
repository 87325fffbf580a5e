'use client'

import { useRouter } from 'next/navigation'
import { useState, useTransition } from 'react'
import { Badge } from '@/components/ui/badge'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { Table, Td, Th } from '@/components/ui/table'
import { Timestamp } from '@/components/ui/timestamp'
import { changeUserRoleAction, resetMfaAction, setUserActiveAction } from '@/lib/actions/users'
import type { UserDTO } from '@/lib/server/users/queries'
import { ResetPasswordDialog } from './reset-password-dialog'
import { RoleOptions } from './role-options'

export function UserTable({ users, currentUserId }: { users: UserDTO[]; currentUserId: string }) {
  return (
    <Table caption="Users">
      <thead className="bg-zinc-50">
        <tr>
          <Th>Name</Th>
          <Th>Role</Th>
          <Th>Status</Th>
          <Th>Last sign-in</Th>
          <Th className="text-right">Actions</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {users.map((user) => (
          <UserRow key={user.id} user={user} isSelf={user.id === currentUserId} />
        ))}
      </tbody>
    </Table>
  )
}

function UserRow({ user, isSelf }: { user: UserDTO; isSelf: boolean }) {
  const router = useRouter()
  const [error, setError] = useState<string | null>(null)
  const [pending, startTransition] = useTransition()

  const changeRole = (role: string) =>
    startTransition(async () => {
      const result = await changeUserRoleAction({ userId: user.id, role })
      setError(result.ok ? null : result.error)
      router.refresh()
    })

  return (
    <tr data-testid={`user-row-${user.email}`} className={user.isActive ? undefined : 'bg-zinc-50 text-zinc-500'}>
      <Td>
        <p className="font-medium">
          {user.name} {isSelf ? <span className="text-xs font-normal text-zinc-500">(you)</span> : null}
        </p>
        <p className="text-xs text-zinc-500">{user.email}</p>
        {error ? (
          <p role="alert" className="mt-1 text-xs text-red-600">
            {error}
          </p>
        ) : null}
      </Td>
      <Td>
        <select
          aria-label={`Role of ${user.email}`}
          value={user.role}
          disabled={pending || isSelf || !user.isActive}
          onChange={(event) => changeRole(event.target.value)}
          className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm disabled:bg-transparent disabled:text-zinc-500"
        >
          <RoleOptions />
        </select>
      </Td>
      <Td>
        <div className="flex flex-wrap gap-1">
          {!user.isActive ? (
            <Badge>Deactivated</Badge>
          ) : user.isLocked ? (
            <Badge tone="warning">Locked</Badge>
          ) : (
            <Badge tone="success">Active</Badge>
          )}
          {user.hasMfa ? <Badge>Two-factor</Badge> : null}
          {user.isService ? <Badge>Service account</Badge> : null}
        </div>
      </Td>
      <Td className="whitespace-nowrap">
        <Timestamp iso={user.lastSignInAt} empty="Never" />
      </Td>
      <Td className="text-right whitespace-nowrap">
        <div className="flex justify-end gap-2">
          {user.isActive && !user.isService ? <ResetPasswordDialog user={user} /> : null}
          {user.hasMfa && !isSelf ? (
            <ConfirmDialog
              title={`Reset two-factor sign-in for ${user.name}?`}
              description="For a lost authenticator: their authenticator and recovery codes stop working, they are signed out everywhere, and they set up two-factor sign-in again at their next sign-in. Make sure it is really them who asked."
              confirmLabel="Reset two-factor"
              phrase={user.email}
              onConfirm={async () => {
                const result = await resetMfaAction({ userId: user.id })
                router.refresh()
                return result.ok ? null : result.error
              }}
              triggerLabel="Reset two-factor"
            />
          ) : null}
          {isSelf ? null : user.isActive ? (
            <ConfirmDialog
              title={`Deactivate ${user.name}?`}
              description="They are signed out everywhere at once and cannot sign in until reactivated. Their history stays."
              confirmLabel="Deactivate"
              phrase={user.email}
              onConfirm={async () => {
                const result = await setUserActiveAction({ userId: user.id, isActive: 'false' })
                router.refresh()
                return result.ok ? null : result.error
              }}
              triggerLabel="Deactivate"
            />
          ) : (
            <Button
              size="sm"
              variant="secondary"
              disabled={pending}
              onClick={() =>
                startTransition(async () => {
                  const result = await setUserActiveAction({ userId: user.id, isActive: 'true' })
                  setError(result.ok ? null : result.error)
                  router.refresh()
                })
              }
            >
              Reactivate
            </Button>
          )}
        </div>
      </Td>
    </tr>
  )
}
