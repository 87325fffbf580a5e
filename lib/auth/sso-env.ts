import { z } from 'zod'
import type { Role } from '@/lib/generated/prisma/enums'
import { ROLES } from './permissions'
import { parseRoleMap, type RoleMapping } from './sso-roles'

// Single sign-on settings, part of the app environment (lib/env.ts, the only reader of process.env).

// Tokens and the client secret travel to the issuer: HTTPS, except to a provider on this very machine.
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])
const ZIssuerUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value)
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))
    } catch {
      return false
    }
  }, 'must be the https:// issuer URL of your identity provider, such as https://sso.example.com/realms/acme')

export const ZOidcEnv = z.object({
  AUTH_OIDC_ISSUER: ZIssuerUrl.optional(),
  AUTH_OIDC_CLIENT_ID: z.string().trim().min(1).optional(),
  AUTH_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  // The words on the sign-in button: "Continue with …".
  AUTH_OIDC_NAME: z.string().trim().min(1).max(40).default('single sign-on'),
  AUTH_OIDC_SCOPE: z.string().trim().min(1).default('openid email profile'),
  AUTH_OIDC_GROUPS_CLAIM: z.string().trim().min(1).default('groups'),
  AUTH_OIDC_ROLE_MAP: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const { mappings, problems } = parseRoleMap(value)
      for (const message of problems) ctx.addIssue({ code: 'custom', message })
      return mappings
    }),
  // The role of a person none of whose groups is mapped, or `none`: such a person cannot sign in.
  AUTH_OIDC_DEFAULT_ROLE: z
    .string()
    .trim()
    .default('none')
    .transform((value) => value.toUpperCase())
    .refine((value) => value === 'NONE' || (ROLES as readonly string[]).includes(value), {
      message: `must be none or one of ${ROLES.join(', ')}`,
    })
    .transform((value) => (value === 'NONE' ? null : (value as Role))),
})
type OidcEnv = z.infer<typeof ZOidcEnv>

const REQUIRED = ['AUTH_OIDC_ISSUER', 'AUTH_OIDC_CLIENT_ID', 'AUTH_OIDC_CLIENT_SECRET'] as const

/** Half a configuration is a mistake, not "off": the issuer, client id and secret come all together or not at all. */
export function oidcAllOrNone(env: Partial<OidcEnv>, ctx: z.RefinementCtx): void {
  const missing = REQUIRED.filter((key) => !env[key])
  if (missing.length > 0 && missing.length < REQUIRED.length)
    ctx.addIssue({
      code: 'custom',
      path: [missing[0] ?? REQUIRED[0]],
      message: `is missing: single sign-on needs ${REQUIRED.join(', ')} all set (or none of them, to turn it off)`,
    })
}

export type SsoConfig = {
  issuer: string
  clientId: string
  clientSecret: string
  name: string
  scope: string
  groupsClaim: string
  roleMap: RoleMapping[]
  defaultRole: Role | null
}

/** Single sign-on as configured, or null when it is off. */
export function ssoConfig(env: OidcEnv): SsoConfig | null {
  if (!env.AUTH_OIDC_ISSUER || !env.AUTH_OIDC_CLIENT_ID || !env.AUTH_OIDC_CLIENT_SECRET) return null
  return {
    issuer: env.AUTH_OIDC_ISSUER,
    clientId: env.AUTH_OIDC_CLIENT_ID,
    clientSecret: env.AUTH_OIDC_CLIENT_SECRET,
    name: env.AUTH_OIDC_NAME,
    scope: env.AUTH_OIDC_SCOPE,
    groupsClaim: env.AUTH_OIDC_GROUPS_CLAIM,
    roleMap: env.AUTH_OIDC_ROLE_MAP,
    defaultRole: env.AUTH_OIDC_DEFAULT_ROLE,
  }
}
