import { describe, expect, it } from 'vitest'
import { describeSmtpError, smtpOptions } from './email-transport'

describe('smtpOptions', () => {
  it('reads host, port, TLS and the sign-in from the URL, with the usual ports by default', () => {
    expect(smtpOptions('smtp://mailer:p%40ss%20word@mail.example.com:2525')).toMatchObject({
      pool: true,
      host: 'mail.example.com',
      port: 2525,
      secure: false,
      auth: { user: 'mailer', pass: 'p@ss word' },
    })
    expect(smtpOptions('smtps://relay.example.com')).toMatchObject({ port: 465, secure: true, auth: undefined })
    expect(smtpOptions('smtp://[::1]')).toMatchObject({ host: '::1', port: 587 })
  })
})

describe('describeSmtpError', () => {
  const smtp = (message: string, code: string, responseCode?: number) =>
    Object.assign(new Error(message), { code, responseCode })

  it('says a refused message or recipient (5xx) is permanent, and nothing else', () => {
    expect(
      describeSmtpError(smtp("Can't send mail - all recipients were rejected: 550 No such mailbox", 'EENVELOPE', 550)),
    ).toEqual({
      message: "EENVELOPE: Can't send mail - all recipients were rejected: 550 No such mailbox",
      permanent: true,
    })
    expect(describeSmtpError(smtp('Message failed: 554 Spam', 'EMESSAGE', 554)).permanent).toBe(true)
    expect(describeSmtpError(smtp('Try again: 451 Busy', 'EENVELOPE', 451)).permanent).toBe(false)
    expect(describeSmtpError(smtp('Invalid login: 535 Nope', 'EAUTH', 535)).permanent).toBe(false)
    expect(describeSmtpError(smtp('connect ECONNREFUSED 127.0.0.1:25', 'ESOCKET')).permanent).toBe(false)
    expect(describeSmtpError('plain text')).toEqual({ message: 'plain text', permanent: false })
  })

  it('keeps one line without the password, whether it came in a URL or bare', () => {
    const { message } = describeSmtpError(
      smtp('Greeting never received\nat smtp://mailer:hunter22@mail.example.com (password hunter22)', 'ETIMEDOUT'),
      ['hunter22'],
    )
    expect(message).toBe('ETIMEDOUT: Greeting never received at smtp://mailer:****@mail.example.com (password ****)')
  })
})
