import type pg from 'pg'

// Lockstep's own tables on a target – the script history and the copy's progress – live in a schema of their
// own, `lockstep`, never beside the user's tables. Targets that kept them in their first schema (public) from
// earlier versions have them moved there, once, with their rows.

export const BOOKKEEPING_SCHEMA = 'lockstep'

/** Where each bookkeeping table lives now, and the name it had beside the user's tables before. */
export const BOOKKEEPING_TABLES = {
  history: { name: 'schema_history', legacy: 'lockstep_schema_history' },
  copy: { name: 'copy', legacy: 'lockstep_copy' },
  copyPart: { name: 'copy_part', legacy: 'lockstep_copy_part' },
  heldKey: { name: 'copy_held_key', legacy: 'lockstep_copy_held_key' },
  sync: { name: 'sync', legacy: 'lockstep_sync' },
} as const

export const qualified = (table: keyof typeof BOOKKEEPING_TABLES) =>
  `${BOOKKEEPING_SCHEMA}.${BOOKKEEPING_TABLES[table].name}`

const DUPLICATE = new Set(['42P06', '23505']) // a concurrent session created the schema first

/**
 * Creates the `lockstep` schema when missing and moves the named tables there from where earlier versions
 * put them. Refused with a message that says what to grant when the target's role may not create a schema.
 */
export async function ensureBookkeeping(
  client: pg.Client,
  tables: readonly (keyof typeof BOOKKEEPING_TABLES)[],
): Promise<void> {
  const { rows } = await client.query<{ present: boolean }>(`SELECT to_regnamespace($1) IS NOT NULL AS present`, [
    BOOKKEEPING_SCHEMA,
  ])
  if (!rows[0]?.present) {
    await client
      .query(`CREATE SCHEMA IF NOT EXISTS ${BOOKKEEPING_SCHEMA}`)
      .catch(async (error: { code?: string; message: string }) => {
        if (error.code && DUPLICATE.has(error.code)) return
        if (error.code === '42501') {
          const { rows: who } = await client.query<{ role: string; db: string }>(
            'SELECT current_user AS role, current_database() AS db',
          )
          throw new Error(
            `Lockstep keeps its history and copy progress in a schema “${BOOKKEEPING_SCHEMA}” on the target, and the role “${who[0]?.role}” may not create it. Run GRANT CREATE ON DATABASE “${who[0]?.db}” TO “${who[0]?.role}”, or CREATE SCHEMA ${BOOKKEEPING_SCHEMA} AUTHORIZATION “${who[0]?.role}”.`,
          )
        }
        throw error
      })
  }
  for (const key of tables) {
    const { name, legacy } = BOOKKEEPING_TABLES[key]
    // Where earlier versions created it: unqualified, so in the first schema of the search path.
    const { rows: found } = await client.query<{ legacy: string | null; current: string | null }>(
      `SELECT to_regclass($1)::text AS legacy, to_regclass($2)::text AS current`,
      [legacy, `${BOOKKEEPING_SCHEMA}.${name}`],
    )
    if (!found[0]?.legacy || found[0].current) continue
    await client.query(`ALTER TABLE ${found[0].legacy} SET SCHEMA ${BOOKKEEPING_SCHEMA}`)
    await client.query(`ALTER TABLE ${BOOKKEEPING_SCHEMA}.${legacy} RENAME TO ${name}`)
  }
}
