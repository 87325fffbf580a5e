// npm start [-- --dev] [-- --fresh]
import { launch } from '@/lib/runtime/launcher'
import { runCli } from './cli'

await runCli(() => launch({ dev: process.argv.includes('--dev'), fresh: process.argv.includes('--fresh') }))
