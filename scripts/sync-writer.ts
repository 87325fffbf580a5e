// `npm run demo:writer`, and the tests' and benchmark's writing application: keeps changing a table of a
// SQLite file or a PostgreSQL database until stopped (Ctrl-C), then prints what it changed as JSON.
import { parseArgs } from 'node:util'
import { runWriter } from '@/lib/runtime/sync-writer'
import { runCli } from './cli'

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      sqlite: { type: 'string' },
      postgres: { type: 'string' },
      table: { type: 'string' },
      key: { type: 'string', default: 'id' },
      column: { type: 'string' },
      rate: { type: 'string', default: '100' },
      'async-commit': { type: 'boolean', default: false },
    },
  })
  if (!values.table || !values.column)
    throw new Error('Usage: sync-writer (--sqlite FILE | --postgres URL) --table T --column C [--key id] [--rate N]')
  const stop = new AbortController()
  process.once('SIGINT', () => stop.abort())
  process.once('SIGTERM', () => stop.abort())
  const counts = await runWriter({
    sqlite: values.sqlite,
    postgres: values.postgres,
    table: values.table,
    key: values.key,
    column: values.column,
    rate: Number(values.rate),
    asyncCommit: values['async-commit'],
    signal: stop.signal,
  })
  console.log(JSON.stringify(counts))
})
