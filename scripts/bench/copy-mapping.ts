import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { checkMapping, describeProblems, type TCopyMapping } from '@/lib/domain/mapping'
import { query, type Result } from './copy-support'

// The copy benchmark's mapped Lockstep copy (copy.ts): the same `items` table with three of its six columns
// transformed by SQLite as it reads them, and renamed – a clean-up a real migration does on the way.

// The target types stay as they are, so that the figure is what the transforms cost and not what another
// type's encoding saves or adds.
export const MAPPING: TCopyMapping = {
  tables: [
    {
      table: 'items',
      columns: [
        { column: 'email', rename: 'email_address', transform: 'lower(trim(email))' },
        { column: 'score', rename: 'rating', transform: 'round(score / 10.0, 1)' },
        {
          column: 'note',
          rename: 'remark',
          transform: "CASE WHEN trim(note) = '' THEN NULL ELSE substr(note, 1, 200) END",
        },
      ],
    },
  ],
}

export const MAPPED_LABEL = 'Lockstep copy, mapped: 3 of 6 columns transformed and renamed'

/** The mapping as `lockstep copy --mapping` reads it, checked first so that a mistake stops the benchmark at once. */
export async function writeMapping(dir: string): Promise<string> {
  const { problems } = checkMapping(MAPPING)
  if (problems.length) throw new Error(`The benchmark's mapping is wrong: ${describeProblems(problems)}.`)
  const path = join(dir, 'mapping.json')
  await writeFile(path, JSON.stringify(MAPPING, null, 2))
  return path
}

/**
 * Throws unless the mapped copy's last row with a note arrived under the new names with the transforms'
 * values (makeSqlite's formulas), so that a copy which ignored the mapping is never timed as a mapped one.
 */
export async function checkMappedCopy(url: string, rows: number) {
  const id = rows % 3 === 0 ? rows - 1 : rows
  const score = ((id * 7919) % 100000) / 100
  const found = (await query(url, 'SELECT email_address, rating, remark FROM items WHERE id = $1', [id])).rows[0] as
    { email_address: string; rating: number | null; remark: string | null } | undefined
  const rating = found?.rating ?? NaN
  // round(score / 10.0, 1): a tenth of the score, to one decimal place.
  const rated = Math.abs(rating - score / 10) <= 0.05 + 1e-9 && Math.abs(rating * 10 - Math.round(rating * 10)) < 1e-6
  if (!found || found.email_address !== `user${id}@example.com` || found.remark !== `note ${id}\twith a tab` || !rated)
    throw new Error(`The mapped copy's row ${id} is ${JSON.stringify(found ?? null)} (its score was ${score}).`)
}

/** The target: the mapped copy takes at most 25 % longer than the plain one (medians of the same rounds). */
export function mappingOverhead(plain: Result, mapped: Result, rounds: { plain: Result; mapped: Result }[]) {
  const ratio = mapped.seconds / plain.seconds
  return {
    target: 'mapping overhead ≤ 25 %',
    plain: { seconds: plain.seconds, rowsPerSecond: plain.rowsPerSecond },
    mapped: { seconds: mapped.seconds, rowsPerSecond: mapped.rowsPerSecond },
    ratio,
    overheadPercent: (ratio - 1) * 100,
    perRound: rounds.map((r) => r.mapped.seconds / r.plain.seconds),
    met: ratio <= 1.25,
  }
}
