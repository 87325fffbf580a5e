// The worker's entry: TypeScript (and the project's path aliases) through tsx, then the parser.
import { register } from 'tsx/esm/api'

register()
await import('./parse-worker.ts')
