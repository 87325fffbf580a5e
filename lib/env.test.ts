import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, emailEnv, exportEnv, webEnv } from './env'

describe('TRUSTED_PROXIES', () => {
  afterEach(() => exportEnv({ TRUSTED_PROXIES: '' }))

  it('is empty unless set, and a comma-separated list of addresses and ranges when set', () => {
    expect(webEnv().TRUSTED_PROXIES).toEqual([])
    exportEnv({ TRUSTED_PROXIES: ' 10.0.0.0/8, 192.0.2.1 ,fd00::/8,' })
    expect(webEnv().TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '192.0.2.1', 'fd00::/8'])
  })

  it('stops the process with a line naming each entry that is not an address or a range', () => {
    exportEnv({ TRUSTED_PROXIES: '10.0.0.0/8, proxy.internal, 10.0.0.0/40' })
    expect(() => webEnv()).toThrow(ConfigError)
    expect(() => webEnv()).toThrow(
      /TRUSTED_PROXIES has “proxy\.internal”, which is not an IP address or a CIDR range.*TRUSTED_PROXIES has “10\.0\.0\.0\/40”/,
    )
  })
})

describe('email settings', () => {
  afterEach(() => exportEnv({ SMTP_URL: '', EMAIL_FROM: '', LOCKSTEP_PUBLIC_URL: '', PORT: '' }))

  it('are off without SMTP_URL, from Lockstep at localhost, with links to this server’s port', () => {
    exportEnv({ PORT: '4100' })
    expect(emailEnv()).toEqual({
      SMTP_URL: undefined,
      EMAIL_FROM: 'Lockstep <lockstep@localhost>',
      publicUrl: 'http://localhost:4100',
    })
    exportEnv({
      SMTP_URL: 'smtps://u:p@mail.example.com',
      EMAIL_FROM: 'ops@example.com',
      LOCKSTEP_PUBLIC_URL: 'https://ls.example.com/',
    })
    expect(emailEnv()).toMatchObject({
      SMTP_URL: 'smtps://u:p@mail.example.com',
      EMAIL_FROM: 'ops@example.com',
      publicUrl: 'https://ls.example.com',
    })
  })

  it('name each malformed setting, and never repeat the SMTP password', () => {
    exportEnv({
      SMTP_URL: 'http://mailer:hunter22@mail.example.com',
      EMAIL_FROM: 'Lockstep',
      LOCKSTEP_PUBLIC_URL: 'ftp://x',
    })
    expect(() => emailEnv()).toThrow(ConfigError)
    const problems = (() => {
      try {
        emailEnv()
        return []
      } catch (error) {
        return (error as ConfigError).problems
      }
    })()
    expect(problems).toEqual([
      expect.stringMatching(/^SMTP_URL must be an smtp:\/\/user:password@host:port URL/),
      expect.stringMatching(/^EMAIL_FROM must be an address/),
      expect.stringMatching(/^LOCKSTEP_PUBLIC_URL must be an http:\/\/ or https:\/\/ URL/),
    ])
    expect(problems.join(' ')).not.toContain('hunter22')
  })
})
