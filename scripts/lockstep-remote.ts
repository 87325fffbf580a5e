// `lockstep remote` on its own entry point: it needs no database and none of the application, only the API.
import { remoteCommand } from './remote-command'

const code = await remoteCommand(process.argv.slice(3))
// Exit explicitly (tsx's runner does not keep process.exitCode), once stdout has been written out.
await new Promise<void>((done) => process.stdout.write('', () => done()))
process.exit(code)
