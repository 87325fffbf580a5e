import { parse as parseConnectionString } from 'pg-connection-string'
import { z } from 'zod'
import { SSL_MODES, type SslMode } from '@/lib/domain/connection-endpoint'
import { blankToNull, checkbox, longText, optionalText, requiredText, ZId } from '@/lib/server/fields'

export { SSL_MODES }

export const ZEnvironment = z.object({
  name: z
    .string('Enter a name.')
    .trim()
    .min(1, 'Enter a name.')
    .max(40, 'Use at most 40 characters.')
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'Use lowercase letters, digits, - and _ (e.g. production).'),
  description: longText(500),
  protected: checkbox,
})
export type TEnvironment = z.infer<typeof ZEnvironment>
export const ZUpdateEnvironment = ZEnvironment.extend({ environmentId: ZId })
export type TUpdateEnvironment = z.infer<typeof ZUpdateEnvironment>

/** What a protected environment requires of its runs (lib/server/runs/safeguards.ts). */
export const MAX_BACKUP_HOURS = 24 * 14

export const ZEnvironmentSafeguards = z.object({
  environmentId: ZId,
  requireRehearsal: checkbox,
  requireBackupHours: z.preprocess(
    blankToNull,
    z.coerce
      .number('Enter a number of hours.')
      .int('Enter whole hours.')
      .min(1, 'Use at least 1 hour.')
      .max(MAX_BACKUP_HOURS, `Use at most ${MAX_BACKUP_HOURS} hours (14 days).`)
      .nullable(),
  ),
})
export type TEnvironmentSafeguards = z.infer<typeof ZEnvironmentSafeguards>

const common = {
  environmentId: ZId,
  name: requiredText('a name', 100),
  role: z.enum(['SOURCE', 'TARGET'], 'Choose source or target.'),
}

const ZPostgresFields = z.object({
  ...common,
  engine: z.literal('POSTGRES'),
  // Either a URL, or the parts. A URL fills in the parts it names.
  url: optionalText(2_000),
  host: optionalText(255),
  port: z.preprocess(
    blankToNull,
    z.coerce
      .number('Enter a port.')
      .int('Enter a port.')
      .min(1, 'Enter a port from 1 to 65535.')
      .max(65_535, 'Enter a port from 1 to 65535.')
      .nullable(),
  ),
  database: optionalText(63),
  username: optionalText(63),
  // Blank when editing keeps the stored password.
  password: z.preprocess(blankToNull, z.string().max(1_000, 'Use at most 1000 characters.').nullable()),
  sslMode: z.enum(SSL_MODES, 'Choose an SSL mode.').default('prefer'),
  // Admins only: whether the connection may reach Lockstep's own database server. Absent keeps what is
  // stored for as long as the connection keeps its host, port, database and user.
  ownServer: z.preprocess(
    (v) => (v === '' || v === null ? undefined : v),
    z.enum(['allow', 'refuse'], "Choose whether Lockstep's own database server is allowed.").optional(),
  ),
})

const ZSqliteFields = z.object({
  ...common,
  engine: z.literal('SQLITE'),
  filePath: requiredText('the file path', 500),
})

export type PostgresParts = {
  host: string
  port: number
  database: string
  username: string
  password: string | null
  sslMode: SslMode
}

/** The parts a PostgreSQL connection is stored as, from the URL and/or the separate fields. */
export function postgresParts(
  input: z.infer<typeof ZPostgresFields>,
): PostgresParts | { fieldErrors: Record<string, string[]> } {
  let fromUrl: Partial<PostgresParts> = {}
  if (input.url) {
    if (!/^postgres(ql)?:\/\//i.test(input.url))
      return { fieldErrors: { url: ['Use a postgresql://user:password@host:5432/database URL.'] } }
    try {
      const parsed = parseConnectionString(input.url)
      const ssl = /sslmode=([a-z-]+)/i.exec(input.url)?.[1]?.toLowerCase()
      fromUrl = {
        host: parsed.host ?? undefined,
        port: parsed.port ? Number(parsed.port) : undefined,
        database: parsed.database ?? undefined,
        username: parsed.user ?? undefined,
        // A URL without a password (user@host) gives none, as a blank password field does: the stored one is kept.
        password: parsed.password || null,
        sslMode: SSL_MODES.find((m) => m === (ssl === 'verify-ca' ? 'verify-full' : ssl)) ?? undefined,
      }
    } catch {
      return { fieldErrors: { url: ['This URL cannot be read.'] } }
    }
  }
  const parts = {
    host: input.host ?? fromUrl.host,
    port: input.port ?? fromUrl.port ?? 5432,
    database: input.database ?? fromUrl.database,
    username: input.username ?? fromUrl.username,
    password: input.password ?? fromUrl.password ?? null,
    sslMode: fromUrl.sslMode && input.url ? fromUrl.sslMode : input.sslMode,
  }
  const errors: Record<string, string[]> = {}
  if (!parts.host) errors.host = ['Enter the host (or a URL).']
  if (!parts.database) errors.database = ['Enter the database name.']
  if (!parts.username) errors.username = ['Enter the user name.']
  if (Object.keys(errors).length) return { fieldErrors: errors }
  return parts as PostgresParts
}

export const ZConnection = z.discriminatedUnion(
  'engine',
  [ZPostgresFields, ZSqliteFields],
  'Choose PostgreSQL or SQLite.',
)
export type TConnection = z.infer<typeof ZConnection>
export const ZUpdateConnection = z.discriminatedUnion(
  'engine',
  [ZPostgresFields.extend({ connectionId: ZId }), ZSqliteFields.extend({ connectionId: ZId })],
  'Choose PostgreSQL or SQLite.',
)
export type TUpdateConnection = z.infer<typeof ZUpdateConnection>
export const ZConnectionId = z.object({ connectionId: ZId })
