import 'server-only'
import { existsSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import {
  endpointMoved,
  ownServerMessage,
  passwordRetypeReason,
  SSL_MODES,
  type Endpoint,
} from '@/lib/domain/connection-endpoint'
import { db, Prisma, type Tx } from '@/lib/db'
import { appEnv } from '@/lib/env'
import type { Connection } from '@/lib/generated/prisma/client'
import { probeSqlite, resolveSqlitePath, SqlitePathError } from '@/lib/targets/sqlite'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCanInTx } from '@/lib/server/authorize'
import { conflict, DomainError, invalid, notFound } from '@/lib/server/errors'
import { resolveEndpoint } from './own-server'
import {
  postgresParts,
  type PostgresParts,
  type TConnection,
  type TEnvironment,
  type TUpdateConnection,
  type TUpdateEnvironment,
} from './schemas'
import { encryptSecret } from './secrets'

// Environments and their connections: DBAs and admins manage them (connection:manage); testing and
// introspecting are in probes.ts. Every change is audited without any secret in it. A stored password
// goes only to the endpoint it was saved for (lib/domain/connection-endpoint.ts), and no connection
// reaches Lockstep's own database server unless an admin allowed it (own-server.ts).

const uniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002'
const restrictViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && (error.code === 'P2003' || error.code === 'P2014')

export async function createEnvironment(actor: UserActor, input: TEnvironment): Promise<{ id: string }> {
  try {
    return await db.$transaction(async (tx) => {
      await assertCanInTx(tx, actor, 'connection:manage')
      const env = await tx.environment.create({ data: input })
      await recordAudit(tx, actor, {
        action: 'environment.create',
        entityType: 'Environment',
        entityId: env.id,
        after: { name: env.name, protected: env.protected },
      })
      return { id: env.id }
    })
  } catch (error) {
    if (uniqueViolation(error))
      throw invalid('Please correct the highlighted fields.', { name: ['An environment with this name exists.'] })
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
    if (uniqueViolation(error))
      throw invalid('Please correct the highlighted fields.', { name: ['An environment with this name exists.'] })
    throw error
  }
}

export function sqliteDir(): string {
  const dir = appEnv().LOCKSTEP_SQLITE_DIR
  if (!dir) throw conflict('SQLite connections are not available: LOCKSTEP_SQLITE_DIR is not set.')
  return dir
}

const CORRECT = 'Please correct the highlighted fields.'

type Planned = { engine: 'SQLITE'; filePath: string } | { engine: 'POSTGRES'; parts: PostgresParts; ownServer: boolean }

/** What the input asks to store, checked before any transaction is open: the SQLite file, or the PostgreSQL parts and where they lead. */
async function planned(input: TConnection | TUpdateConnection): Promise<Planned> {
  if (input.engine === 'SQLITE') {
    let path: string
    try {
      path = resolveSqlitePath(sqliteDir(), input.filePath, { allowMissing: true })
    } catch (error) {
      if (error instanceof SqlitePathError) throw invalid(CORRECT, { filePath: [error.message] })
      throw error
    }
    // A file that is there must be a readable database; one still to come is checked when it is tested or read.
    if (existsSync(path)) {
      const probe = probeSqlite(sqliteDir(), input.filePath)
      if (!probe.ok) throw invalid(CORRECT, { filePath: [probe.message] })
    }
    return { engine: 'SQLITE', filePath: input.filePath }
  }
  const parts = postgresParts(input)
  if ('fieldErrors' in parts) throw invalid(CORRECT, parts.fieldErrors)
  return { engine: 'POSTGRES', parts, ownServer: (await resolveEndpoint(parts.host, parts.port)).ownServer }
}

/**
 * The stored form of a connection: plain fields and the secret. A SQLite connection holds no secret (a
 * file inside LOCKSTEP_SQLITE_DIR, nothing to send anywhere), so a new path asks for nothing again.
 */
function storedFields(p: Planned, secret: Uint8Array | null) {
  if (p.engine === 'SQLITE')
    return {
      engine: 'SQLITE' as const,
      filePath: p.filePath,
      host: null,
      port: null,
      database: null,
      username: null,
      sslMode: null,
      secret: null,
    }
  const { host, port, database, username, sslMode } = p.parts
  return {
    engine: 'POSTGRES' as const,
    filePath: null,
    host,
    port,
    database,
    username,
    sslMode,
    secret: secret ? Uint8Array.from(secret) : null,
  }
}

/** A stored PostgreSQL connection's endpoint, as the password it holds was saved for. */
function endpointOfRow(c: Pick<Connection, 'host' | 'port' | 'database' | 'username' | 'sslMode'>): Endpoint {
  return {
    host: c.host ?? '',
    port: c.port ?? 5432,
    database: c.database ?? '',
    username: c.username ?? '',
    sslMode: SSL_MODES.find((m) => m === c.sslMode) ?? 'prefer',
  }
}

/** The form field a refusal about the endpoint belongs to: the URL when the endpoint came from one. */
const endpointField = (input: TConnection | TUpdateConnection) =>
  input.engine === 'POSTGRES' && input.url && !input.host ? 'url' : 'host'

/**
 * Whether the connection may reach Lockstep's own database server after this save. Only an admin (role
 * re-read here) grants it; it stays while the connection keeps its endpoint (`kept`) and drops when
 * anyone else moves it. A connection leading there without it is refused.
 */
async function ownServerAllowance(
  tx: Tx,
  actor: UserActor,
  input: TConnection | TUpdateConnection,
  kept: boolean,
  ownServer: boolean,
): Promise<boolean> {
  const requested = input.engine === 'POSTGRES' ? input.ownServer : undefined
  const allowed = requested === undefined ? kept : requested === 'allow'
  if (allowed && !kept) {
    try {
      await assertCanInTx(tx, actor, 'connection:own-server')
    } catch (error) {
      if (error instanceof DomainError && error.code === 'FORBIDDEN')
        throw invalid(ownServerMessage(input.name), {
          ownServer: ["Only an admin can allow a connection to Lockstep's own database server."],
        })
      throw error
    }
  }
  if (ownServer && !allowed)
    throw invalid(ownServerMessage(input.name), { [endpointField(input)]: [ownServerMessage(input.name)] })
  return allowed
}

/** What the audit log may know of a connection: never the secret. */
const described = (
  c: Pick<
    Connection,
    'name' | 'engine' | 'role' | 'host' | 'port' | 'database' | 'username' | 'filePath' | 'ownServerAllowed'
  >,
) => ({
  name: c.name,
  engine: c.engine,
  role: c.role,
  ...(c.engine === 'SQLITE'
    ? { filePath: c.filePath }
    : { host: c.host, port: c.port, database: c.database, username: c.username, ownServerAllowed: c.ownServerAllowed }),
})

/** The allowance to reach Lockstep's own database server has an audit event of its own, granted or dropped. */
async function auditAllowance(tx: Tx, actor: UserActor, c: Connection) {
  await recordAudit(tx, actor, {
    action: c.ownServerAllowed ? 'connection.own-server.allow' : 'connection.own-server.drop',
    entityType: 'Connection',
    entityId: c.id,
    after: { name: c.name, host: c.host, port: c.port, database: c.database, username: c.username },
  })
}

/** DBAs and admins (role re-read); the own-server allowance needs an admin. */
export async function createConnection(actor: UserActor, input: TConnection): Promise<{ id: string }> {
  const id = randomUUID()
  const plan = await planned(input)
  try {
    return await db.$transaction(async (tx) => {
      await assertCanInTx(tx, actor, 'connection:manage')
      if (!(await tx.environment.findUnique({ where: { id: input.environmentId } }))) throw notFound('Environment')
      const ownServerAllowed =
        plan.engine === 'POSTGRES' ? await ownServerAllowance(tx, actor, input, false, plan.ownServer) : false
      const password = plan.engine === 'POSTGRES' ? plan.parts.password : null
      const fields = storedFields(plan, password !== null ? encryptSecret(password, id) : null)
      const c = await tx.connection.create({
        data: {
          id,
          environmentId: input.environmentId,
          name: input.name,
          role: input.role,
          ...fields,
          ownServerAllowed,
        },
      })
      await recordAudit(tx, actor, {
        action: 'connection.create',
        entityType: 'Connection',
        entityId: c.id,
        after: described(c),
      })
      if (c.ownServerAllowed) await auditAllowance(tx, actor, c)
      return { id: c.id }
    })
  } catch (error) {
    if (uniqueViolation(error))
      throw invalid(CORRECT, { name: ['This environment already has a connection with this name.'] })
    throw error
  }
}

/**
 * DBAs and admins (role re-read). A blank password keeps the stored one only while the connection keeps
 * its host, port, database and user and does not weaken its SSL mode; otherwise the save is refused.
 */
export async function updateConnection(actor: UserActor, input: TUpdateConnection): Promise<{ id: string }> {
  const plan = await planned(input)
  try {
    return await db.$transaction(async (tx) => {
      await assertCanInTx(tx, actor, 'connection:manage')
      await tx.$queryRaw`SELECT 1 FROM "Connection" WHERE "id" = ${input.connectionId}::uuid FOR UPDATE`
      const before = await tx.connection.findUnique({ where: { id: input.connectionId } })
      if (!before) throw notFound('Connection')
      if (before.engine !== input.engine)
        throw invalid('The engine of a connection cannot change; add a new connection instead.')
      let secret: Uint8Array | null = null
      let ownServerAllowed = false
      if (plan.engine === 'POSTGRES') {
        const was = endpointOfRow(before)
        if (plan.parts.password === null && before.secret) {
          const reason = passwordRetypeReason(was, plan.parts)
          if (reason) throw invalid(CORRECT, { password: [reason] })
        }
        secret = plan.parts.password !== null ? encryptSecret(plan.parts.password, before.id) : before.secret
        ownServerAllowed = await ownServerAllowance(
          tx,
          actor,
          input,
          before.ownServerAllowed && !endpointMoved(was, plan.parts),
          plan.ownServer,
        )
      }
      const c = await tx.connection.update({
        where: { id: before.id },
        data: {
          environmentId: input.environmentId,
          name: input.name,
          role: input.role,
          ...storedFields(plan, secret),
          ownServerAllowed,
        },
      })
      const passwordChanged = !!before.secret && !!c.secret && !Buffer.from(before.secret).equals(Buffer.from(c.secret))
      await recordAudit(tx, actor, {
        action: 'connection.update',
        entityType: 'Connection',
        entityId: c.id,
        before: described(before),
        after: { ...described(c), ...(passwordChanged ? { password: 'changed' } : {}) },
      })
      if (c.ownServerAllowed !== before.ownServerAllowed) await auditAllowance(tx, actor, c)
      return { id: c.id }
    })
  } catch (error) {
    if (uniqueViolation(error))
      throw invalid(CORRECT, { name: ['This environment already has a connection with this name.'] })
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
      await recordAudit(tx, actor, {
        action: 'connection.delete',
        entityType: 'Connection',
        entityId: c.id,
        before: described(c),
      })
      return { id: c.id }
    })
  } catch (error) {
    if (restrictViolation(error)) throw conflict('Plans use this connection; point them at another one first.')
    throw error
  }
}
