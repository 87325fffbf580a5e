import { existsSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { db, Prisma } from '@/lib/db'
import { appEnv } from '@/lib/env'
import { introspectPostgres, probePostgres } from '@/lib/targets/postgres'
import { introspectSqlite, probeSqlite, resolveSqlitePath, SqlitePathError } from '@/lib/targets/sqlite'
import type { Introspection, ProbeResult } from '@/lib/targets/types'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCan, assertCanInTx } from '@/lib/server/authorize'
import { conflict, invalid, notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'
import { postgresParts, type TConnection, type TEnvironment, type TUpdateConnection, type TUpdateEnvironment } from './schemas'
import { encryptSecret, postgresTargetOf } from './secrets'

// Environments and their connections: DBAs and admins manage them (connection:manage), editors may
// test and introspect (connection:read). Every change is audited without any secret in it.

const uniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002'
const restrictViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && (error.code === 'P2003' || error.code === 'P2014')

export async function createEnvironment(actor: UserActor, input: TEnvironment): Promise<{ id: string }> {
  try {
    return await db.$transaction(async (tx) => {
      await assertCanInTx(tx, actor, 'connection:manage')
      const env = await tx.environment.create({ data: input })
      await recordAudit(tx, actor, { action: 'environment.create', entityType: 'Environment', entityId: env.id, after: { name: env.name, protected: env.protected } })
      return { id: env.id }
    })
  } catch (error) {
    if (uniqueViolation(error)) throw invalid('Please correct the highlighted fields.', { name: ['An environment with this name exists.'] })
    throw error
  }
}

export async function updateEnvironment(actor: UserActor, input: TUpdateEnvironment): Promise<{ id: string }> {
  const { environmentId, ...data } = input
  try {
    return await db.$transaction(async (tx) => {
      await assertCanInTx(tx, actor, 'connection:manage')
      const before = await tx.environment.findUnique({ where: { id: environmentId } })
      if (!before) throw notFound('Environment')
      const env = await tx.environment.update({ where: { id: environmentId }, data })
      await recordAudit(tx, actor, {
        action: 'environment.update',
        entityType: 'Environment',
        entityId: env.id,
        before: { name: before.name, protected: before.protected },
        after: { name: env.name, protected: env.protected },
      })
      return { id: env.id }
    })
  } catch (error) {
    if (uniqueViolation(error)) throw invalid('Please correct the highlighted fields.', { name: ['An environment with this name exists.'] })
    throw error
  }
}

function sqliteDir(): string {
  const dir = appEnv().LOCKSTEP_SQLITE_DIR
  if (!dir) throw conflict('SQLite connections are not available: LOCKSTEP_SQLITE_DIR is not set.')
  return dir
}

/** The stored form of a connection: plain fields, plus the password encrypted for this row. */
function storedFields(id: string, input: TConnection | TUpdateConnection, keep: Uint8Array | null) {
  if (input.engine === 'SQLITE') {
    let path: string
    try {
      path = resolveSqlitePath(sqliteDir(), input.filePath, { allowMissing: true })
    } catch (error) {
      if (error instanceof SqlitePathError) throw invalid('Please correct the highlighted fields.', { filePath: [error.message] })
      throw error
    }
    // A file that is there must be a readable database; one still to come is checked when it is tested or read.
    if (existsSync(path)) {
      const probe = probeSqlite(sqliteDir(), input.filePath)
      if (!probe.ok) throw invalid('Please correct the highlighted fields.', { filePath: [probe.message] })
    }
    return { engine: 'SQLITE' as const, filePath: input.filePath, host: null, port: null, database: null, username: null, sslMode: null, secret: null }
  }
  const parts = postgresParts(input)
  if ('fieldErrors' in parts) throw invalid('Please correct the highlighted fields.', parts.fieldErrors)
  const secret = parts.password !== null ? encryptSecret(parts.password, id) : keep
  return { engine: 'POSTGRES' as const, filePath: null, host: parts.host, port: parts.port, database: parts.database, username: parts.username, sslMode: parts.sslMode, secret: secret ? Uint8Array.from(secret) : null }
}

/** What the audit log may know of a connection: never the secret. */
const described = (c: { name: string; engine: string; role: string; host: string | null; port: number | null; database: string | null; username: string | null; filePath: string | null }) => ({
  name: c.name,
  engine: c.engine,
  role: c.role,
  ...(c.engine === 'SQLITE' ? { filePath: c.filePath } : { host: c.host, port: c.port, database: c.database, username: c.username }),
})

export async function createConnection(actor: UserActor, input: TConnection): Promise<{ id: string }> {
  const id = randomUUID()
  const fields = storedFields(id, input, null)
  try {
    return await db.$transaction(async (tx) => {
      await assertCanInTx(tx, actor, 'connection:manage')
      if (!(await tx.environment.findUnique({ where: { id: input.environmentId } }))) throw notFound('Environment')
      const c = await tx.connection.create({ data: { id, environmentId: input.environmentId, name: input.name, role: input.role, ...fields } })
      await recordAudit(tx, actor, { action: 'connection.create', entityType: 'Connection', entityId: c.id, after: described(c) })
      return { id: c.id }
    })
  } catch (error) {
    if (uniqueViolation(error)) throw invalid('Please correct the highlighted fields.', { name: ['This environment already has a connection with this name.'] })
    throw error
  }
}

export async function updateConnection(actor: UserActor, input: TUpdateConnection): Promise<{ id: string }> {
  try {
    return await db.$transaction(async (tx) => {
      await assertCanInTx(tx, actor, 'connection:manage')
      const before = await tx.connection.findUnique({ where: { id: input.connectionId } })
      if (!before) throw notFound('Connection')
      if (before.engine !== input.engine) throw invalid('The engine of a connection cannot change; add a new connection instead.')
      const fields = storedFields(before.id, input, before.engine === 'POSTGRES' ? before.secret : null)
      const c = await tx.connection.update({ where: { id: before.id }, data: { environmentId: input.environmentId, name: input.name, role: input.role, ...fields } })
      const passwordChanged = input.engine === 'POSTGRES' && !!before.secret && !!fields.secret && !Buffer.from(before.secret).equals(Buffer.from(fields.secret))
      await recordAudit(tx, actor, { action: 'connection.update', entityType: 'Connection', entityId: c.id, before: described(before), after: { ...described(c), ...(passwordChanged ? { password: 'changed' } : {}) } })
      return { id: c.id }
    })
  } catch (error) {
    if (uniqueViolation(error)) throw invalid('Please correct the highlighted fields.', { name: ['This environment already has a connection with this name.'] })
    throw error
  }
}

export async function deleteConnection(actor: UserActor, connectionId: string): Promise<{ id: string }> {
  try {
    return await db.$transaction(async (tx) => {
      await assertCanInTx(tx, actor, 'connection:manage')
      const c = await tx.connection.findUnique({ where: { id: connectionId } })
      if (!c) throw notFound('Connection')
      await tx.connection.delete({ where: { id: c.id } })
      await recordAudit(tx, actor, { action: 'connection.delete', entityType: 'Connection', entityId: c.id, before: described(c) })
      return { id: c.id }
    })
  } catch (error) {
    if (restrictViolation(error)) throw conflict('Plans use this connection; point them at another one first.')
    throw error
  }
}

/** A stored connection as something to connect to: the password decrypted here, never sent anywhere. */
async function targetOf(actor: UserActor, connectionId: string) {
  assertCan(actor, 'connection:read')
  if (!ZId.safeParse(connectionId).success) throw notFound('Connection')
  const c = await db.connection.findUnique({ where: { id: connectionId } })
  if (!c) throw notFound('Connection')
  if (c.engine === 'SQLITE') return { engine: 'SQLITE' as const, dir: sqliteDir(), file: c.filePath ?? '' }
  return { engine: 'POSTGRES' as const, target: postgresTargetOf(c) }
}

/** Editors: connects and reports version, latency and privileges, or what went wrong. */
export async function testConnection(actor: UserActor, connectionId: string): Promise<ProbeResult> {
  const t = await targetOf(actor, connectionId)
  return t.engine === 'SQLITE' ? probeSqlite(t.dir, t.file) : probePostgres(t.target)
}

/** Editors: the tables, columns, keys and indexes of the connection's database. */
export async function introspectConnection(actor: UserActor, connectionId: string): Promise<Introspection> {
  const t = await targetOf(actor, connectionId)
  if (t.engine === 'SQLITE') {
    // A missing or unreadable file is said as the connection test says it, not as an unexpected failure.
    const probe = probeSqlite(t.dir, t.file)
    if (!probe.ok) throw conflict(probe.message)
    return introspectSqlite(t.dir, t.file)
  }
  const probe = await probePostgres(t.target)
  if (!probe.ok) throw conflict(probe.message)
  return introspectPostgres(t.target)
}
