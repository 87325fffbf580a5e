import { signOutAction } from '@/lib/actions/auth'

/** Signing out: a form, so it works before any script has loaded. */
export function SignOutButton({ className }: { className: string }) {
  return (
    <form action={signOutAction}>
      <button type="submit" className={className}>
        Sign out
      </button>
    </form>
  )
}
