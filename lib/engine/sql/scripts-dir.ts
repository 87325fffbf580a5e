import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { type Script } from './apply'

// Versioned scripts from a directory, in the two layouts teams already have: Flyway's V1__name.sql with an
// optional U1__name.sql undo script (in the directory or below it, as Flyway finds them), and Prisma's
// <timestamp>_<name>/migration.sql (optional down.sql). What looks like a migration but is not run – a
// folder with only a migration.ts data migration, a repeatable R__ script – is named with the reason.

const FLYWAY = /^([VU])(\d+(?:[._]\d+)*)__(.+)\.sql$/i
const FLYWAY_LIKE = /^[VUR]\d*__/i
const PRISMA_FOLDER = /^\d+_/

/** Something in the directory that looks like a migration and is not run, with the reason. */
export type SkippedEntry = { name: string; reason: string }
export type ScriptsDir = { scripts: Script[]; skipped: SkippedEntry[] }

const byVersion = (a: string, b: string) => {
  const pa = a.split(/[._]/).map(Number)
  const pb = b.split(/[._]/).map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++)
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0)
  return 0
}

// A byte order mark is not SQL; editors on Windows often write one.
const readSql = async (path: string) => (await readFile(path, 'utf8')).replace(/^\uFEFF/, '')

const CODE = new Set(['.ts', '.js', '.mjs', '.cjs', '.java', '.kt', '.py', '.go', '.rb'])

async function filesBelow(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true })
  const files: string[] = []
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue
    const path = prefix ? `${prefix}/${e.name}` : e.name
    if (e.isDirectory()) files.push(...(await filesBelow(dir, path)))
    else if (e.isFile()) files.push(path)
  }
  return files
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1)

async function readFlyway(dir: string, files: string[]): Promise<ScriptsDir> {
  const skipped: SkippedEntry[] = []
  const versioned = files.filter((f) => FLYWAY.test(baseName(f)))
  const scripts: Script[] = []
  const seen = new Map<string, string>()
  for (const file of versioned.filter((f) => /^V/i.test(baseName(f)))) {
    const [, , version = '', name = ''] = FLYWAY.exec(baseName(file)) ?? []
    const other = seen.get(version)
    if (other) throw new Error(`Two scripts have version ${version}: ${other} and ${file}.`)
    seen.set(version, file)
    const undo = versioned.find((f) => /^U/i.test(baseName(f)) && FLYWAY.exec(baseName(f))?.[2] === version)
    scripts.push({
      version: `V${version}`,
      description: name.replace(/_/g, ' '),
      file,
      sql: await readSql(join(dir, file)),
      rollbackSql: undo ? await readSql(join(dir, undo)) : null,
    })
  }
  for (const file of files) {
    const name = baseName(file)
    const match = FLYWAY.exec(name)
    if (match?.[1]?.toUpperCase() === 'U' && !seen.has(match[2] ?? ''))
      skipped.push({ name: file, reason: `an undo script without a V${match[2]}__ script` })
    else if (!match && /^R__/i.test(name))
      skipped.push({
        name: file,
        reason: 'a repeatable migration (R__): Lockstep applies versioned V<version>__ scripts only',
      })
    else if (!match && FLYWAY_LIKE.test(name))
      skipped.push({
        name: file,
        reason: CODE.has(extname(name))
          ? 'a migration in code, not SQL: run it with the project’s own tooling'
          : 'not named V<version>__<description>.sql',
      })
    else if (!match && extname(name).toLowerCase() === '.sql')
      skipped.push({ name: file, reason: 'not named V<version>__<description>.sql' })
  }
  return { scripts: scripts.sort((a, b) => byVersion(a.version.slice(1), b.version.slice(1))), skipped }
}

async function readPrisma(dir: string, folders: string[], files: string[]): Promise<ScriptsDir> {
  const scripts: Script[] = []
  const skipped: SkippedEntry[] = []
  for (const folder of folders.sort((a, b) => a.localeCompare(b))) {
    const inside = (await readdir(join(dir, folder), { withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.startsWith('.'))
      .map((e) => e.name)
    const code = inside.filter((f) => /^migration\./.test(f) && CODE.has(extname(f)))
    if (!inside.includes('migration.sql')) {
      const reason = code.length
        ? `holds ${code.join(', ')} and no migration.sql: a data migration in code, which Lockstep does not run; run it with the project’s own tooling`
        : `holds no migration.sql${inside.length ? ` (only ${inside.join(', ')})` : ''}`
      skipped.push({ name: folder, reason })
      continue
    }
    for (const f of code)
      skipped.push({
        name: `${folder}/${f}`,
        reason: 'a data migration in code beside migration.sql: Lockstep runs the migration.sql only',
      })
    scripts.push({
      version: folder,
      description: folder.replace(PRISMA_FOLDER, '').replace(/_/g, ' '),
      file: `${folder}/migration.sql`,
      sql: await readSql(join(dir, folder, 'migration.sql')),
      rollbackSql: inside.includes('down.sql') ? await readSql(join(dir, folder, 'down.sql')) : null,
    })
  }
  for (const file of files.filter((f) => extname(f).toLowerCase() === '.sql'))
    skipped.push({ name: file, reason: 'not in a <timestamp>_<name>/ folder' })
  return { scripts, skipped }
}

/** The scripts of a directory in order, and what looks like a migration there but is not run. */
export async function readScriptsDir(dir: string): Promise<ScriptsDir> {
  if (!existsSync(dir)) throw new Error(`No directory ${dir}.`)
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'))
  const folders = entries.filter((e) => e.isDirectory() && PRISMA_FOLDER.test(e.name)).map((e) => e.name)
  const topFiles = entries.filter((e) => e.isFile()).map((e) => e.name)
  if (folders.length && !topFiles.some((f) => FLYWAY.test(f))) return readPrisma(dir, folders, topFiles)
  const files = await filesBelow(dir)
  // Only repeatable R__ scripts: Flyway's layout still, with nothing Lockstep runs – said per file.
  if (files.some((f) => FLYWAY.test(baseName(f)) || FLYWAY_LIKE.test(baseName(f)))) return readFlyway(dir, files)
  throw new Error(
    `No scripts in ${dir}: expected V1__name.sql files (Flyway) or <timestamp>_<name>/migration.sql folders (Prisma).`,
  )
}
