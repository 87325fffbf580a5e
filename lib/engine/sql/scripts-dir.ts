import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type Script } from './apply'

// Versioned scripts from a directory, in the two layouts teams already have: Flyway's V1__name.sql with an
// optional U1__name.sql undo script, and Prisma's <timestamp>_<name>/migration.sql (optional down.sql).

const FLYWAY = /^([VU])(\d+(?:[._]\d+)*)__(.+)\.sql$/i

const byVersion = (a: string, b: string) => {
  const pa = a.split(/[._]/).map(Number)
  const pb = b.split(/[._]/).map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0)
  return 0
}

export async function readScriptsDir(dir: string): Promise<Script[]> {
  if (!existsSync(dir)) throw new Error(`No directory ${dir}.`)
  const entries = await readdir(dir, { withFileTypes: true })
  const flyway = entries.filter((e) => e.isFile() && FLYWAY.test(e.name))
  if (flyway.length) {
    const forward = flyway.filter((e) => /^V/i.test(e.name))
    const scripts: Script[] = []
    const seen = new Set<string>()
    for (const entry of forward) {
      const [, , version = '', name = ''] = FLYWAY.exec(entry.name) ?? []
      if (seen.has(version)) throw new Error(`Two scripts have version ${version}.`)
      seen.add(version)
      const undo = flyway.find((e) => /^U/i.test(e.name) && FLYWAY.exec(e.name)?.[2] === version)
      scripts.push({
        version: `V${version}`,
        description: name.replace(/_/g, ' '),
        sql: await readFile(join(dir, entry.name), 'utf8'),
        rollbackSql: undo ? await readFile(join(dir, undo.name), 'utf8') : null,
      })
    }
    return scripts.sort((a, b) => byVersion(a.version.slice(1), b.version.slice(1)))
  }
  const prisma = entries.filter((e) => e.isDirectory() && /^\d+_/.test(e.name) && existsSync(join(dir, e.name, 'migration.sql'))).sort((a, b) => a.name.localeCompare(b.name))
  if (prisma.length) {
    return Promise.all(
      prisma.map(async (e) => ({
        version: e.name,
        description: e.name.replace(/^\d+_/, '').replace(/_/g, ' '),
        sql: await readFile(join(dir, e.name, 'migration.sql'), 'utf8'),
        rollbackSql: existsSync(join(dir, e.name, 'down.sql')) ? await readFile(join(dir, e.name, 'down.sql'), 'utf8') : null,
      })),
    )
  }
  throw new Error(`No scripts in ${dir}: expected V1__name.sql files (Flyway) or <timestamp>_<name>/migration.sql folders (Prisma).`)
}
