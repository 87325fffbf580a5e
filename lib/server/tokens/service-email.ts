// A service account's email: its name as a slug under a domain that can never receive mail (RFC 2606), so the
// account is recognisable in the audit log and no one can sign in or reset anything with it.

export const SERVICE_EMAIL_DOMAIN = 'service.lockstep.invalid'

/** "CI pipeline (staging)" → "ci-pipeline-staging@service.lockstep.invalid"; null when nothing is left. */
export function serviceEmailOf(name: string): string | null {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return slug ? `${slug}@${SERVICE_EMAIL_DOMAIN}` : null
}
