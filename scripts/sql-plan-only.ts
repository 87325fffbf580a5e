// `lockstep sql apply --plan-only`: what `sql apply` would send for a migration folder, without connecting to
// any database (Liquibase's updateSQL) – the same scripts read from the folder and the same preview the plan
// page shows for a phase (lib/targets/sql/preview.ts).
import { resolve } from 'node:path'
import type { SkippedEntry } from '@/lib/engine/sql/scripts-dir'
import type { Script } from '@/lib/engine/sql/apply'
import type { PreviewTimeouts, SqlPreview } from '@/lib/domain/run-preview'
import { DocumentError } from '@/lib/plan-document/types'

type ScriptPlan = { version: string; description: string; file: string | null; preview: SqlPreview }

const ms = (n: number) => `${n} ms`
const comment = (text: string) => `-- ${text.replace(/\n/g, '\n-- ')}`
const ended = (sql: string) => (/;\s*$/.test(sql) ? sql : `${sql};`)

function timeoutsLine(t: PreviewTimeouts): string {
  return `lock_timeout ${ms(t.lockTimeoutMs)}${t.lockTimeoutSet ? '' : ' (default)'}, retried ${t.lockRetries} times after ${t.retryBackoffMs.map(ms).join(', ')}; statement_timeout ${ms(t.statementTimeoutMs)}${t.statementTimeoutSet ? '' : ' (default)'}`
}

/** One script as SQL with comments: what runs, in order, with Lockstep's own BEGIN/COMMIT where it adds them. */
export function formatScriptPlan({ version, description, file, preview }: ScriptPlan): string {
  const lines = [comment(`${file ?? version} – ${version} (${description})`)]
  if (preview.refusal) {
    lines.push(comment(`REFUSED before anything runs: line ${preview.refusal.line}: ${preview.refusal.message}`))
    return lines.join('\n')
  }
  lines.push(comment(`Runs ${preview.description}. ${preview.why}`), comment(timeoutsLine(preview.timeouts)))
  const wrapped = preview.mode === 'lockstep' && preview.statements.length > 0
  if (wrapped) lines.push("BEGIN; -- Lockstep's transaction")
  for (const s of preview.statements) {
    const where = s.transactionControl
      ? `the script's own ${s.transactionControl === 'begin' ? 'BEGIN' : 'COMMIT'}`
      : s.runsIn === 'none'
        ? `outside a transaction: ${s.outside ?? 'commits on its own'}`
        : s.runsIn === 'script'
          ? "in the script's own transaction"
          : "in Lockstep's transaction"
    lines.push(comment(`line ${s.line}: ${s.kind} – ${where}${s.transactionControl ? '' : `; locks: ${s.lock}`}`))
    lines.push(ended(s.sql))
  }
  if (wrapped) lines.push("COMMIT; -- Lockstep's transaction")
  if (preview.rollbackStatements !== null)
    lines.push(comment(`rollback script: ${preview.rollbackStatements} statements (run only when rolled back)`))
  return lines.join('\n')
}

/** Exit 0 every script can run, 3 one would be refused (it does not parse or never commits), 4 something is not run. */
export async function sqlPlanOnly(
  dir: string,
  set: { lockTimeoutMs?: number; statementTimeoutMs?: number },
  json: boolean,
): Promise<number> {
  const [{ readScriptsDir }, { previewScript }] = await Promise.all([
    import('@/lib/engine/sql/scripts-dir'),
    import('@/lib/targets/sql/preview'),
  ])
  const { scripts, skipped }: { scripts: Script[]; skipped: SkippedEntry[] } = await readScriptsDir(resolve(dir)).catch(
    (error: Error) => {
      // Named as given: the absolute path is the machine's business.
      throw new DocumentError(error.message.replaceAll(resolve(dir), dir))
    },
  )
  const plans: ScriptPlan[] = []
  for (const s of scripts)
    plans.push({
      version: s.version,
      description: s.description,
      file: s.file ?? null,
      preview: await previewScript(s.sql, set, s.rollbackSql ?? null),
    })
  const refused = plans.filter((p) => p.preview.refusal)
  if (json) console.log(JSON.stringify({ planOnly: true, scripts: plans, skipped }, null, 2))
  else {
    for (const s of skipped) console.error(`Not run: ${s.name} – ${s.reason}.`)
    console.log(
      comment(
        `Plan only: nothing was sent to any database. ${plans.length} scripts in order; on a target, those its lockstep.schema_history records as applied are not run again.`,
      ),
    )
    for (const plan of plans) console.log(`\n${formatScriptPlan(plan)}`)
    if (refused.length)
      console.error(
        `Refused: ${refused.map((p) => `${p.file ?? p.version}, line ${p.preview.refusal?.line}: ${p.preview.refusal?.message}`).join('; ')}.`,
      )
  }
  if (refused.length) return 3
  return skipped.length ? 4 : 0
}
