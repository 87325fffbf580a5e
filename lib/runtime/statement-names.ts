import { createHash } from 'node:crypto'

/**
 * How many distinct statements a process names (each connection keeps those it ran prepared on the server);
 * beyond them – a query whose text varies without end, such as an IN list of every length – statements go
 * unnamed, as they did before.
 */
export const NAMED_STATEMENTS = 2_000

/**
 * Names for the prepared statements of Lockstep's own queries (@prisma/adapter-pg's statementNameGenerator): the
 * same text always gets the same name, so each connection parses it once and PostgreSQL keeps its plan – the
 * three pages of npm run bench:load cost the server 20 ms of CPU where they cost 47 ms parsed and planned afresh
 * every time. '' (an unnamed statement) once `limit` names are given out.
 */
export function statementNamer(limit = NAMED_STATEMENTS): (query: { sql: string }) => string {
  const names = new Map<string, string>()
  return ({ sql }) => {
    const known = names.get(sql)
    if (known !== undefined) return known
    if (names.size >= limit) return ''
    const name = `lockstep_${createHash('sha256').update(sql).digest('base64url').slice(0, 32)}`
    names.set(sql, name)
    return name
  }
}
