import 'server-only'
import { availableParallelism } from 'node:os'
import { z } from 'zod'
import { isProxyAddress } from './auth/forwarded'
import { ZOidcEnv, oidcAllOrNone } from './auth/sso-env'

// The only module that reads process.env. Each reader is parsed on first use so that
// `next build` (which imports server modules without a database) does not need runtime secrets.

const isBuild = () => process.env.NEXT_PHASE === 'phase-production-build'

const ZPostgresUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return ['postgres:', 'postgresql:'].includes(new URL(value).protocol)
    } catch {
      return false
    }
  }, 'must be a postgresql://user:password@host:port/database URL')

// Reverse proxies whose X-Forwarded-For, -Host and -Proto headers count (lib/auth/forwarded.ts): a comma-separated
// list of addresses and CIDR ranges. None by default: those headers from anyone else are dropped.
const ZTrustedProxies = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .superRefine((entries, ctx) => {
    for (const entry of entries.filter((e) => !isProxyAddress(e))) {
      ctx.addIssue({
        code: 'custom',
        message: `has “${entry.slice(0, 60)}”, which is not an IP address or a CIDR range (such as 10.0.0.0/8 or fd00::/8)`,
      })
    }
  })
  .readonly()

const ZDatabaseEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: ZPostgresUrl,
  // Named prepared statements for Lockstep's own queries (parsed once per connection, their plans kept by
  // PostgreSQL); false behind a pooler in transaction mode that does not track them (PgBouncer before 1.21).
  DATABASE_PREPARED_STATEMENTS: z
    .enum(['true', 'false'], 'must be true or false')
    .default('true')
    .transform((value) => value === 'true'),
})
export type DatabaseEnv = z.infer<typeof ZDatabaseEnv>

// The address people reach Lockstep at, for links read outside the app (webhook payloads, emails).
const PUBLIC_URL_FIELDS = {
  LOCKSTEP_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, such as https://lockstep.example.com' })
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
}
const linkBase = ({ LOCKSTEP_PUBLIC_URL, PORT }: { LOCKSTEP_PUBLIC_URL?: string; PORT: number }) =>
  LOCKSTEP_PUBLIC_URL ?? `http://localhost:${PORT}`
const ZPublicUrlEnv = z.object(PUBLIC_URL_FIELDS).transform(linkBase)

const ZAppEnv = ZDatabaseEnv.extend({
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters (generate one with: openssl rand -base64 33)'),
  // Idle limit: a session unused this long ends. Absolute limit: no session outlives this, however active.
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(30),
  SESSION_MAX_AGE_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 7)
    .default(12),
  SIGNIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  // Failed sign-ins one client address may make in 15 minutes, whatever emails it names.
  SIGNIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(30),
  WORKER_HEARTBEAT_MS: z.coerce.number().int().min(250).max(60_000).default(5_000),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(3),
  // How long a worker's claim on a part of a shared copy holds without being renewed (it renews it every
  // third of this while it copies): a dead worker's part is taken over by another once it runs out.
  COPY_UNIT_LEASE_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  // The worker's CPU priority (a nice value): where it shares cores with the web server, pages come first.
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  // How often the worker re-decides each plan's report status (notifying on a change) and takes the day's snapshots.
  REPORT_WATCH_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  // How often the worker checks the targets of active plans for drift (lib/engine/drift.ts), in minutes.
  DRIFT_CHECK_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  // 32 random bytes, base64: the key connection credentials are encrypted under (never stored in the database).
  LOCKSTEP_SECRET_KEY: z
    .string()
    .refine(
      (v) => Buffer.from(v, 'base64').length === 32,
      'must be 32 random bytes in base64 (generate one with: openssl rand -base64 32)',
    )
    .optional(),
  // SQLite connections may only name files inside this directory.
  LOCKSTEP_SQLITE_DIR: z.string().min(1).optional(),
  // Backup artifacts are written here; older than the retention they are pruned.
  LOCKSTEP_BACKUP_DIR: z.string().min(1).optional(),
  LOCKSTEP_BACKUP_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(14),
  // The directory of pg_dump and pg_restore, when they are not the newest under /usr/lib/postgresql or on the PATH.
  LOCKSTEP_PG_BIN: z.string().min(1).optional(),
  // The address people reach Lockstep at (https://lockstep.example.com): links in webhook payloads and emails point there.
  // Unset, they point at http://localhost:PORT, which only works on this machine.
  ...PUBLIC_URL_FIELDS,
  TRUSTED_PROXIES: ZTrustedProxies,
  // Requests one API token may make per minute (/api/v1); more are answered 429 with Retry-After.
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
  // Signing in over plain HTTP on a trusted network: the session cookie loses its `__Host-` prefix and its Secure
  // flag, so anyone who can watch the network can take a session (lib/auth/session-rules.ts). Off by default.
  LOCKSTEP_ALLOW_INSECURE_HTTP: z
    .enum(['true', 'false'], 'must be true or false')
    .default('false')
    .transform((value) => value === 'true'),
  // Single sign-on through OpenID Connect (lib/auth/sso-env.ts): off unless the issuer, client id and secret are set.
  ...ZOidcEnv.shape,
}).superRefine(oidcAllOrNone)
export type AppEnv = z.infer<typeof ZAppEnv>

const ZLauncherEnv = z.object({
  DATABASE_URL: ZPostgresUrl.optional(),
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  LOCKSTEP_DATA_DIR: z.string().min(1).default('.lockstep'),
  LOCKSTEP_SECRET_KEY: z.string().optional(),
  LOCKSTEP_SQLITE_DIR: z.string().optional(),
  LOCKSTEP_BACKUP_DIR: z.string().optional(),
  LOCKSTEP_ADMIN_EMAIL: z.email().optional(),
  LOCKSTEP_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  // A fresh installation seeds a runnable demo plan (and its database) unless this is false.
  LOCKSTEP_DEMO: z.enum(['true', 'false'], 'must be true or false').default('true'),
  AUTH_SECRET: z.string().min(32).optional(),
  CI: z.string().optional(),
})
export type LauncherEnv = z.infer<typeof ZLauncherEnv>

const ZWebEnv = z.object({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  // Web processes sharing the port: one per core (at most 4) unless set.
  WEB_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(() => Math.min(4, availableParallelism())),
  TRUSTED_PROXIES: ZTrustedProxies,
})
export type WebEnv = z.infer<typeof ZWebEnv>

// `lockstep remote`: where Lockstep is and the API token, for pipelines. The token is only ever read from here
// or from a file, never from the command line (where process lists and CI logs would show it).
const ZRemoteEnv = z.object({
  LOCKSTEP_URL: z.string().trim().optional(),
  LOCKSTEP_TOKEN: z.string().trim().optional(),
  LOCKSTEP_IDEMPOTENCY_KEY: z.string().trim().max(150, 'must be at most 150 characters').optional(),
})
export type RemoteEnv = z.infer<typeof ZRemoteEnv>
// Email (lib/engine/email.ts). Without SMTP_URL no email is written or sent; people still see notices in the bell.
const ZSmtpUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value)
      return ['smtp:', 'smtps:'].includes(url.protocol) && url.hostname !== ''
    } catch {
      return false
    }
  }, 'must be an smtp://user:password@host:port URL (smtps:// for TLS from the first byte)')

// "Name <address@host>" or a bare address.
const ZMailbox = z
  .string()
  .trim()
  .regex(
    /^(?:[^<>\r\n]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/,
    'must be an address, such as lockstep@example.com or "Lockstep <lockstep@example.com>"',
  )

const ZEmailEnv = z
  .object({
    SMTP_URL: ZSmtpUrl.optional(),
    EMAIL_FROM: ZMailbox.default('Lockstep <lockstep@localhost>'),
    ...PUBLIC_URL_FIELDS,
  })
  .transform(({ SMTP_URL, EMAIL_FROM, ...rest }) => ({ SMTP_URL, EMAIL_FROM, publicUrl: linkBase(rest) }))
export type EmailEnv = z.infer<typeof ZEmailEnv>

/** Thrown for configuration the operator must fix; carries one readable line per problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`)
    this.name = 'ConfigError'
  }
}

function parse<T extends z.ZodType>(schema: T, source: Record<string, string | undefined>): z.infer<T> {
  const result = schema.safeParse(source)
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`))
  }
  return result.data
}

// Empty strings count as unset, as they do in most deployment tools.
function cleaned(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== ''))
}

// `next build` imports server modules without a database or secrets; placeholders satisfy it.
const BUILD_DEFAULTS = { DATABASE_URL: 'postgresql://build@localhost/build', AUTH_SECRET: 'x'.repeat(32) }

let app: AppEnv | undefined
/** What the web app and the worker need: the database and the session secret. */
export function appEnv(): AppEnv {
  if (isBuild()) return parse(ZAppEnv, { ...BUILD_DEFAULTS, ...cleaned() })
  app ??= parse(ZAppEnv, cleaned())
  return app
}

/** An absolute link into Lockstep for `path` (/runs/…), for messages read elsewhere (webhooks, emails). */
export function publicUrl(path: string): string {
  return `${parse(ZPublicUrlEnv, cleaned())}${path}`
}

/** Email settings: whether email is on (SMTP_URL), who it comes from, and the address links in it lead to. */
export function emailEnv(): EmailEnv {
  return parse(ZEmailEnv, cleaned())
}

/** Just the database: for the Prisma client, seeds and command-line tools. */
export function databaseEnv(): DatabaseEnv {
  return parse(ZDatabaseEnv, isBuild() ? { ...BUILD_DEFAULTS, ...cleaned() } : cleaned())
}

export function launcherEnv(): LauncherEnv {
  return parse(ZLauncherEnv, cleaned())
}

/** For the production web server (`scripts/web.ts`). */
export function webEnv(): WebEnv {
  return parse(ZWebEnv, cleaned())
}

/** For `lockstep remote` (scripts/remote-command.ts). */
export function remoteEnv(): RemoteEnv {
  return parse(ZRemoteEnv, cleaned())
}

/** The environment for a child process: this one's, with `overrides` on top. */
export function childEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides }
}

/**
 * Makes values known to this process too, for modules loaded after this call (the launcher learns
 * the database URL only once the embedded server is up). Resets the memoised app environment.
 */
export function exportEnv(values: Record<string, string>): () => void {
  const before = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]))
  Object.assign(process.env, values)
  app = undefined
  /** Puts back what the variables were (a test that set one for its own file). */
  return () => {
    for (const [key, value] of Object.entries(before))
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    app = undefined
  }
}

/** The PATH the worker's child tools (pg_dump, pg_restore) are found on and run with. */
export const systemPath = (): string => process.env.PATH ?? ''
