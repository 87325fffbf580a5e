// `npm run build:threads` (and part of `npm run build`): builds the worker threads' scripts into dist/threads/,
// and the `lockstep` command's lean entry points into dist/commands/.
import { buildCommandBundles, COMMANDS_DIR } from '@/lib/runtime/build-commands'
import { buildThreadScripts } from '@/lib/runtime/build-threads'
import { displayPath, THREADS_DIR } from '@/lib/runtime/thread-scripts'
import { runCli } from './cli'

await runCli(async () => {
  await buildThreadScripts()
  console.log(`Built the worker threads into ${displayPath(THREADS_DIR)}/.`)
  await buildCommandBundles()
  console.log(`Built the lockstep command's entry points into ${displayPath(COMMANDS_DIR)}/.`)
})
