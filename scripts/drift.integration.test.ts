import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'
import { lockstep } from '@/lib/testing/lockstep-cli'

// `lockstep drift` as CI runs it, on a Prisma-shaped migration folder (one folder a migration, its migration.sql;
// an enum, a table with a foreign key, an index added later): no drift right after `lockstep sql apply`, then
// the objects someone changed by hand, each with its DDL, exit 1 – and the scratch database gone afterwards.

async function prismaFolder() {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-drift-'))
  const migration = async (name: string, sql: string) => {
    await mkdir(join(dir, name))
    await writeFile(join(dir, name, 'migration.sql'), sql)
  }
  await migration(
    '20240101000000_init',
    `-- CreateEnum
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'USER',
    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
`,
  )
  await migration(
    '20240201000000_posts',
    `CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "authorId" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
`,
  )
  return dir
}

describe('lockstep drift', () => {
  it('finds no drift after the folder was applied, then each object changed by hand with its DDL', async () => {
    const dir = await prismaFolder()
    const target = await createFreshDatabase('cli_drift', { migrate: false })
    expect((await lockstep(['sql', 'apply', '--target', target, '--dir', dir])).code).toBe(0)

    const clean = await lockstep(['drift', '--target', target, '--dir', dir])
    expect(clean.code, clean.stderr).toBe(0)
    expect(clean.stdout).toMatch(/No drift: the target's schema is what .* gives \(\d+ objects\)/)

    await queryDatabase(
      target,
      `ALTER TABLE "User" ADD COLUMN "name" text; DROP INDEX "Post_authorId_idx"; ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'ADMIN'`,
    )
    const drifted = await lockstep(['drift', '--target', target, '--dir', dir, '--json'])
    expect(drifted.code, drifted.stderr).toBe(1)
    const report = JSON.parse(drifted.stdout) as { drifted: boolean; objects: { object: string; ddl: string }[] }
    expect(report.objects.map((o) => [o.object, o.ddl])).toEqual([
      ['column public.User.name', 'ALTER TABLE "public"."User" ADD COLUMN "name" text;'],
      [
        'column public.User.role',
        `ALTER TABLE "public"."User" ALTER COLUMN "role" SET DEFAULT 'ADMIN'::public."Role";`,
      ],
      ['index public.Post_authorId_idx', 'DROP INDEX "public"."Post_authorId_idx";'],
    ])
    expect(
      await queryDatabase(target, `SELECT datname FROM pg_database WHERE datname LIKE 'lockstep_drift_%'`),
    ).toEqual([])

    const unreachable = await lockstep(['drift', '--target', target.replace(/:[^:@/]+@/, ':wrong@'), '--dir', dir])
    expect(unreachable.code).not.toBe(0)
    expect(unreachable.stderr).not.toMatch(/\n\s+at /)
  }, 60_000)
})
