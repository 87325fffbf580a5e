// `lockstep drift --target URL --dir DIR`: is the target's schema what its migration folder says it should be?
// The scripts the target applied are replayed into a scratch database and the two schemas compared, as the
// app's drift check compares a target with its recorded schema (lib/engine/drift-dir.ts).
import { resolve } from 'node:path'
import { DocumentError } from '@/lib/plan-document/types'
import { flag, option, targetOption, UsageError } from './cli-args'

export const DRIFT_USAGE = 'Usage: lockstep drift --target postgresql://… --dir DIR [--dev-url postgresql://…] [--json]'

/** Exit 0 no drift, 1 drift, 3 refused (a database unreachable, the folder not replayable). */
export async function driftCommand(args: string[]): Promise<number> {
  const json = flag(args, '--json')
  const url = option(args, '--target')
  const dir = option(args, '--dir')
  const dev = option(args, '--dev-url')
  if (!url || !dir || args.length) throw new UsageError(DRIFT_USAGE)
  const target = await targetOption(url, '--target')
  const devServer = dev ? await targetOption(dev, '--dev-url') : undefined
  const [{ readScriptsDir }, { driftOfDir, DriftCheckRefused }] = await Promise.all([
    import('@/lib/engine/sql/scripts-dir'),
    import('@/lib/engine/drift-dir'),
  ])
  const { scripts } = await readScriptsDir(resolve(dir)).catch((error: Error) => {
    throw new DocumentError(error.message.replaceAll(resolve(dir), dir))
  })
  try {
    const { report, pending, noHistory } = await driftOfDir(target, scripts, devServer)
    if (json)
      console.log(JSON.stringify({ drifted: report.objects.length > 0, pending, noHistory, ...report }, null, 2))
    else {
      if (noHistory)
        console.error('The target keeps no lockstep.schema_history: every script of the folder was taken as applied.')
      for (const p of pending) console.error(`Not applied on the target yet (not replayed): ${p}`)
      if (!report.objects.length)
        console.log(`No drift: the target's schema is what ${dir} gives (${report.liveObjects} objects).`)
      else {
        console.log(
          `Drift: ${report.objects.length} object${report.objects.length === 1 ? '' : 's'} differ from what ${dir} gives.\n`,
        )
        for (const o of report.objects) console.log(`${o.object} ${o.kind}\n${o.ddl.replace(/^/gm, '  ')}\n`)
      }
    }
    return report.objects.length ? 1 : 0
  } catch (error) {
    if (error instanceof DriftCheckRefused) {
      if (json) console.log(JSON.stringify({ refused: error.message }, null, 2))
      console.error(`Refused: ${error.message}`)
      return 3
    }
    throw error
  }
}
