import type pg from 'pg'
import { EMPTY_MAPPING } from '@/lib/domain/mapping-lookup'
import { startSqliteSync } from '@/lib/engine/sync/sqlite-start'
import { runValidation } from '@/lib/engine/validate/engine'
import type { ValidationOptions } from '@/lib/engine/validate/model'
import { postgresSide } from '@/lib/engine/validate/postgres-side'
import { sqliteSide } from '@/lib/engine/validate/sqlite-side'
import type { PostgresTarget } from '@/lib/targets/postgres'

// A SQLite file's sync as the engine's tests start it (every table, created on the target, its capture
// confirmed), and the file validated against the target.

type Target = { client: pg.Client; target: PostgresTarget }

export function startWholeSqliteSync(syncId: string, path: string, to: Target) {
  return startSqliteSync({
    syncId,
    copyId: `${syncId}-copy`,
    path,
    label: path,
    mapping: EMPTY_MAPPING,
    session: to.client,
    target: to.target,
    mode: 'create',
    chunkRows: 2_000,
    captureConfirmed: true,
  })
}

export async function validateSqliteFile(path: string, to: Target, options: ValidationOptions = {}) {
  const source = sqliteSide(path)
  const target = postgresSide(to.target)
  return runValidation(source, target, options).finally(() => Promise.all([source.close(), target.close()]))
}
