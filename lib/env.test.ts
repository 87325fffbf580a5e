import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, exportEnv, webEnv } from './env'

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
