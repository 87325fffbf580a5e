import nodemailer from 'nodemailer'
import type SMTPPool from 'nodemailer/lib/smtp-pool'
import { redact } from '@/lib/domain/redact'

// The SMTP side of email: one pooled nodemailer transport per worker, built from SMTP_URL, and what a failed
// send means – an error text safe to store and log, and whether trying again can help.

export type OutgoingEmail = { id: string; to: string; subject: string; text: string }

export type Mailer = {
  /** Sends one email; answers the Message-ID the server accepted it under. */
  send: (email: OutgoingEmail) => Promise<string>
  /** Why a send failed, as stored and logged: one line, without the SMTP password. */
  describe: (error: unknown) => { message: string; permanent: boolean }
  close: () => void
}

/** nodemailer's options for an smtp:// or smtps:// URL, pooled, with timeouts well inside the worker's lease. */
export function smtpOptions(smtpUrl: string): SMTPPool.Options {
  const url = new URL(smtpUrl)
  const secure = url.protocol === 'smtps:'
  return {
    pool: true,
    maxConnections: 2,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    // smtp:// still upgrades with STARTTLS when the server offers it, and checks the server's certificate.
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 60_000,
  }
}

/** The transport for `smtpUrl`, sending as `from` ("Name <address>" or an address). */
export function createMailer(smtpUrl: string, from: string): Mailer {
  const options = smtpOptions(smtpUrl)
  const { password } = new URL(smtpUrl)
  const secrets = [password, decodeURIComponent(password)]
  const transport = nodemailer.createTransport(options)
  // Each send reports its own failure; an idle pooled connection that drops must not end the worker.
  transport.on('error', () => undefined)
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'lockstep.localhost'
  return {
    send: async (email) => {
      const info = await transport.sendMail({
        from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        // The delivery's own id: a retry after a lost answer reaches the mailbox as the same message.
        messageId: `<${email.id}@${domain}>`,
        headers: { 'Auto-Submitted': 'auto-generated' },
      })
      return info.messageId
    },
    describe: (error) => describeSmtpError(error, secrets),
    close: () => transport.close(),
  }
}

type SmtpError = { message?: unknown; code?: unknown; responseCode?: unknown }

/**
 * One line about a failed send, without `secrets`, and whether it is permanent: the server refused the message
 * or its recipient with a 5xx reply. A refused sign-in (EAUTH) is not, though its reply is a 5xx too – once
 * the operator corrects SMTP_URL, the email can still go; until then it is retried like a server that is down.
 */
export function describeSmtpError(error: unknown, secrets: (string | undefined)[] = []) {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SmtpError
  const text = String(e.message ?? error)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ')
  const code = typeof e.code === 'string' ? e.code : ''
  const reply = typeof e.responseCode === 'number' ? e.responseCode : 0
  const message = redact(code && !text.includes(code) ? `${code}: ${text}` : text, secrets).slice(0, 500)
  return { message, permanent: reply >= 500 && reply < 600 && code !== 'EAUTH' }
}
