// The worker process: `npm run worker` (npm start runs one beside the app).
import { startWorker } from '@/lib/engine/worker'
import { appEnv } from '@/lib/env'
import { ensureThreadScripts } from '@/lib/runtime/build-threads'
import { lowerPriority } from '@/lib/runtime/priority'
import { formatCliError } from './cli'

try {
  await ensureThreadScripts((line) => console.log(line))
  console.log(lowerPriority(appEnv().WORKER_NICE))
  const worker = await startWorker((line) => console.log(line))
  const shutdown = () => {
    void worker.stop().finally(() => process.exit(0))
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
} catch (error) {
  console.error(formatCliError(error))
  process.exit(1)
}
