// What the sign-in page says when single sign-on came back refused (lib/auth/sso-provider.ts): enough for the
// person to know what to do, nothing about other accounts or the identity provider's answer.

const REFUSALS: Record<string, string> = {
  disabled: 'Your Lockstep account is deactivated. Ask an administrator if you need access again.',
  'no-role':
    'Your account at the identity provider is in no group that has access to Lockstep. Ask an administrator for access.',
  'email-in-use':
    'A Lockstep account with your email already exists and cannot be joined to this sign-in. Ask an administrator.',
  'no-email': 'The identity provider did not share your email address, which Lockstep needs. Ask an administrator.',
}

const FAILED = 'Single sign-on did not complete. Try again, or ask an administrator if it keeps failing.'

/** The message for `/login?sso=<reason>` or an Auth.js `/login?error=<type>` after single sign-on; null for neither. */
export function ssoRefusalMessage(sso: unknown, error: unknown): string | null {
  if (typeof sso === 'string') return REFUSALS[sso] ?? FAILED
  if (typeof error === 'string') return FAILED
  return null
}
