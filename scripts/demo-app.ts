// The demo application `npm start` runs beside Lockstep: while the HomeVerse plan's sync follows the demo file,
// it keeps writing to it (new activities, edits, deletions – a few a second), so a newcomer sees the lag move;
// it stops once the cutover phase starts, as an application put into maintenance mode would.
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { appEnv } from '@/lib/env'
import { runWriter } from '@/lib/runtime/sync-writer'
import { demoApplicationWrites } from '@/lib/server/syncs/demo'
import { HOMEVERSE_FILE } from '@/prisma/demo-homeverse'
import { HOMEVERSE_PLAN_TITLE } from '@/prisma/demo'
import { runCli } from './cli'

const RATE = 5

await runCli(async () => {
  const dir = appEnv().LOCKSTEP_SQLITE_DIR
  if (!dir) return
  const path = join(dir, HOMEVERSE_FILE)
  let writing: { stop: AbortController; done: Promise<unknown> } | null = null
  let stopping = false
  const stop = async () => {
    writing?.stop.abort()
    await writing?.done.catch(() => undefined)
    writing = null
  }
  const quit = () => {
    stopping = true
    void stop().finally(() => process.exit(0))
  }
  process.once('SIGINT', quit)
  process.once('SIGTERM', quit)
  for (;;) {
    const writes = await demoApplicationWrites(HOMEVERSE_PLAN_TITLE).catch(() => false)
    if (writes && !writing && !stopping) {
      console.log(`writing ${RATE} changes a second to ${HOMEVERSE_FILE} while the sync follows it`)
      const abort = new AbortController()
      writing = {
        stop: abort,
        done: runWriter({
          sqlite: path,
          table: 'activities',
          key: 'id',
          column: 'details',
          rate: RATE,
          signal: abort.signal,
        })
          .then((counts) => console.log(`stopped writing: ${JSON.stringify(counts)}`))
          .catch((error: Error) => console.log(`stopped writing: ${error.message}`))
          .finally(() => (writing = null)),
      }
    } else if (!writes && writing) await stop()
    await delay(1_000)
  }
})
