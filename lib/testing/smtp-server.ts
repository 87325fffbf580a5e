import { createServer } from 'node:net'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

// A real SMTP server in the test's own process (smtp-server, as mail relays are built with it), which signs
// people in with one user name and password and keeps every message it accepts, parsed (mailparser). Plain
// SMTP on 127.0.0.1 without STARTTLS: what an internal relay often is, and no certificate to trust in tests.

export type TestSmtpServer = {
  port: number
  /** An SMTP_URL for this server, with the right password unless another is given. */
  url: (password?: string) => string
  /** Every message accepted, in order. */
  received: ParsedMail[]
  /** Messages to `address`. */
  to: (address: string) => ParsedMail[]
  close: () => Promise<void>
}

export type SmtpServerOptions = {
  port?: number
  user?: string
  password?: string
  /** Refuse every recipient with this reply (e.g. 550 for "no such mailbox", 451 for "try again later"). */
  refuseRecipients?: { code: number; message: string }
}

const withCode = (message: string, code: number) => Object.assign(new Error(message), { responseCode: code })

export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const user = options.user ?? 'lockstep'
  const password = options.password ?? 'smtp password 7f3a'
  const received: ParsedMail[] = []
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) callback(null, { user })
      else callback(withCode('Authentication credentials invalid', 535))
    },
    onRcptTo(_address, _session, callback) {
      const refuse = options.refuseRecipients
      callback(refuse ? withCode(refuse.message, refuse.code) : null)
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail)
          callback()
        })
        .catch((error: Error) => callback(error))
    },
  })
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.server.address()
      resolve(typeof address === 'object' && address ? address.port : 0)
    })
  })
  return {
    port,
    url: (pass = password) => `smtp://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}`,
    received,
    to: (address) => received.filter((m) => addressesOf(m).includes(address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** The addresses a parsed message was sent to. */
export function addressesOf(mail: ParsedMail): string[] {
  const to = mail.to ? (Array.isArray(mail.to) ? mail.to : [mail.to]) : []
  return to.flatMap((t) => t.value.map((v) => v.address ?? ''))
}

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago): a connection to it is refused. */
export async function unusedPort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const address = probe.address()
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return typeof address === 'object' && address ? address.port : 0
}
