import type pg from 'pg'
import { Cancelled } from '@/lib/targets/sql/session'
import { heldKeyStatements } from './held-keys'
import type { Ddl, NotCopied, OptionalStatement, PostLoadStatement } from './model'
import type { CopyOptions } from './options'
import { sequenceRestarts } from './sequences'
import { recordAfterLoad, recordAfterLoadNames, type CopyState } from './state'
import { inTransaction, shownStatement, type PgError } from './statements'

// After the load: keys, indexes and identity restarts, in parallel; foreign keys after them, one by one; then
// the statements PostgreSQL may refuse; last, a mapping's new column names. Each commits with its record – by name – so a resumed copy runs only
// the statements whose names it has not recorded: one the source no longer has is not run, a new one is.
// (Statistics are left to autovacuum, as after any bulk load.)

const FOREIGN_KEY_VIOLATION = '23503'
const CHECK_VIOLATION = '23514'
const UNIQUE_VIOLATION = '23505'

export type FinishContext = {
  o: CopyOptions
  schema: string
  ddl: Ddl | null
  state: CopyState
  tables: readonly string[]
  connections: readonly pg.Client[]
  warnings: string[]
  notCopied: NotCopied[]
  log: (level: 'info' | 'warn' | 'error', message: string) => void
}

/** Names made unique in list order: a second statement of the same name (two identical foreign keys) gets `#2`. */
function uniqueNames<T extends PostLoadStatement>(statements: readonly T[], seen: Map<string, number>): T[] {
  return statements.map((s) => {
    const n = (seen.get(s.name) ?? 0) + 1
    seen.set(s.name, n)
    return n === 1 ? s : { ...s, name: `${s.name} #${n}` }
  })
}

/**
 * The statements after the load, in the order earlier versions listed them: the created tables' keys, indexes
 * and foreign keys, the foreign keys held back for a cycle, then every sequence the copied columns draw from
 * (identities, serials, shared nextval() defaults) moved past the copied rows, in both modes; then the optional.
 */
export async function postLoadStatements({ o, schema, ddl, tables }: FinishContext) {
  const seen = new Map<string, number>()
  const required = uniqueNames(
    [
      ...(o.mode === 'create' ? (ddl?.afterLoad ?? []) : []),
      ...(await heldKeyStatements(o.session, o.copyId, schema)),
      ...(await sequenceRestarts(o.session, schema, tables)),
    ],
    seen,
  )
  const renames = uniqueNames(o.mode === 'create' ? (ddl?.renames ?? []) : [], seen)
  return { required, optional: uniqueNames(ddl?.optional ?? [], seen), renames }
}

/** The names of the statements an earlier attempt finished. */
async function finishedNames(o: CopyOptions, state: CopyState, all: readonly PostLoadStatement[]) {
  if (state.afterLoadPositions.length === 0) return new Set(state.afterLoadDone)
  // Recorded by a version that went by position: the positions are those of this same list unless the source's
  // schema changed between the attempts. Running everything again instead is not safe – an unnamed foreign key
  // would be added twice – so they are mapped once, and recorded by name from then on.
  const mapped = state.afterLoadPositions.flatMap((i) => all[i]?.name ?? [])
  const names = [...new Set([...state.afterLoadDone, ...mapped])]
  await recordAfterLoadNames(o.session, o.copyId, names)
  return new Set(names)
}

/** Runs the statements after the load not yet done; throws Cancelled, or an Error naming the statement that failed. */
export async function finishCopy(context: FinishContext): Promise<void> {
  const { o, state, connections, warnings, notCopied, log } = context
  const { required, optional, renames } = await postLoadStatements(context)
  const done = await finishedNames(o, state, [...required, ...optional, ...renames])
  const run = (client: pg.Client, statement: PostLoadStatement, sql = statement.sql) =>
    inTransaction(client, async () => {
      await client.query(sql)
      await recordAfterLoad(client, o.copyId, statement.name)
    })

  const runRequired = async (client: pg.Client, statement: PostLoadStatement) => {
    if (o.signal?.aborted) throw new Cancelled()
    await run(client, statement).catch(async (error: PgError) => {
      // Rows whose parent was rejected (or never existed) leave orphans: the foreign key is still added, as
      // NOT VALID – enforced for new rows – and the orphans are reported instead of failing the whole copy.
      if (error.code === FOREIGN_KEY_VIOLATION && statement.kind === 'foreign key') {
        await run(client, statement, `${statement.sql} NOT VALID`)
        const warning = `${statement.table}: ${error.detail ?? error.message} – the foreign key was added NOT VALID (new rows are checked); fix the orphaned rows, then VALIDATE CONSTRAINT.`
        warnings.push(warning)
        log('warn', warning)
        return
      }
      throw error instanceof Cancelled
        ? error
        : new Error(
            `${shownStatement(statement.sql)} failed: ${error.message}${error.detail ? ` (${error.detail})` : ''}`,
          )
    })
  }

  // Translated CHECK constraints, views and indexes: one that PostgreSQL refuses is reported as not copied
  // (and tried again on a resume); a CHECK that rows violate is added NOT VALID, like a foreign key.
  const runOptional = async (client: pg.Client, statement: OptionalStatement) => {
    if (o.signal?.aborted) throw new Cancelled()
    await run(client, statement).catch(async (error: PgError) => {
      if (error.code === CHECK_VIOLATION && statement.kind === 'check') {
        await run(client, statement, `${statement.sql} NOT VALID`)
        const warning = `${statement.table}: rows violate ${statement.object} – it was added NOT VALID (new rows are checked); fix the rows, then VALIDATE CONSTRAINT.`
        warnings.push(warning)
        log('warn', warning)
        return
      }
      const where = statement.table ? `${statement.table}: ` : ''
      if (!error.code?.startsWith('42') && !error.code?.startsWith('22') && error.code !== UNIQUE_VIOLATION)
        throw error instanceof Cancelled ? error : new Error(`${where}${statement.object} failed: ${error.message}`)
      const item = {
        table: statement.table,
        object: statement.object,
        reason: `PostgreSQL refused it: ${error.message}`,
      }
      notCopied.push(item)
      log('warn', `${where}${item.object} not copied – ${item.reason}`)
    })
  }

  const pending = required.filter((s) => !done.has(s.name))
  const parallel = pending.filter((s) => s.kind !== 'foreign key')
  let next = 0
  await Promise.all(
    connections.map(async (client) => {
      for (let statement = parallel[next++]; statement; statement = parallel[next++])
        await runRequired(client, statement)
    }),
  )
  const [first] = connections
  if (!first) return
  for (const statement of pending.filter((s) => s.kind === 'foreign key')) await runRequired(first, statement)
  for (const statement of optional.filter((s) => !done.has(s.name))) await runOptional(first, statement)
  for (const statement of renames.filter((s) => !done.has(s.name))) await runRequired(first, statement)
}
