import 'server-only'
import { db } from '@/lib/db'
import { MONITOR_APPLICATION } from '@/lib/domain/monitor-sample'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCanInTx } from '@/lib/server/authorize'
import { postgresTargetOf } from '@/lib/server/connections/secrets'
import { conflict, DomainError, invalid, notFound } from '@/lib/server/errors'
import { connectPostgres, describePostgresError } from '@/lib/targets/postgres'
import { confirmationOf } from '@/lib/domain/signals'
import type { TSignalBackend } from './schemas'

// DBAs may cancel a blocking session's statement or terminate its backend from the lock table, after
// typing "cancel <pid>" / "terminate <pid>". The pid must still be a client session of the connection's
// database (pids are reused: a stale page must not kill a stranger); the outcome is audited.

type Outcome = { pid: number; signal: TSignalBackend['signal']; signalled: boolean; message: string }

/** DBAs (role re-read): sends pg_cancel_backend / pg_terminate_backend to one session of a PostgreSQL connection. */
export async function signalBackend(actor: UserActor, input: TSignalBackend): Promise<Outcome> {
  if (input.confirm !== confirmationOf(input.signal, input.pid))
    throw invalid(`Type “${confirmationOf(input.signal, input.pid)}” to confirm.`, {
      confirm: ['The confirmation does not match.'],
    })
  return db.$transaction(
    async (tx) => {
      await assertCanInTx(tx, actor, 'connection:manage')
      const connection = await tx.connection.findUnique({ where: { id: input.connectionId } })
      if (!connection || connection.engine !== 'POSTGRES') throw notFound('Connection')
      const target = postgresTargetOf(connection)
      let outcome: Outcome
      let session: { usename: string | null; application_name: string; state: string | null; query: string } | undefined
      try {
        const client = await connectPostgres(target, { applicationName: MONITOR_APPLICATION })
        try {
          await client.query('SET statement_timeout = 5000')
          session = (
            await client.query(
              `SELECT usename, application_name, state, left(query, 500) AS query FROM pg_stat_activity
                WHERE pid = $1 AND datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
              [input.pid],
            )
          ).rows[0]
          if (!session)
            throw conflict(
              `Session ${input.pid} is no longer connected to ${connection.name}; the lock table shows who blocks now.`,
            )
          const fn = input.signal === 'cancel' ? 'pg_cancel_backend' : 'pg_terminate_backend'
          const signalled =
            (await client.query<{ ok: boolean }>(`SELECT ${fn}($1) AS ok`, [input.pid])).rows[0]?.ok === true
          outcome = {
            pid: input.pid,
            signal: input.signal,
            signalled,
            message: signalled
              ? input.signal === 'cancel'
                ? `Session ${input.pid}'s statement was cancelled.`
                : `Session ${input.pid} was terminated.`
              : `PostgreSQL did not signal session ${input.pid} (it may have just ended).`,
          }
        } finally {
          await client.end().catch(() => undefined)
        }
      } catch (error) {
        if (error instanceof DomainError) throw error
        throw conflict(
          `Could not ${input.signal} session ${input.pid}: ${describePostgresError(error, target).message}`,
        )
      }
      await recordAudit(tx, actor, {
        action: `session.${input.signal}`,
        entityType: 'Connection',
        entityId: connection.id,
        after: {
          connection: connection.name,
          pid: input.pid,
          signalled: outcome.signalled,
          user: session.usename,
          application: session.application_name,
          state: session.state,
          query: session.query,
        },
      })
      return outcome
    },
    { timeout: 20_000 },
  )
}
