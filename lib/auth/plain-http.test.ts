import { describe, expect, it } from 'vitest'
import {
  isLoopbackHost,
  isPlainHttpRemote,
  plainHttpRemoteHost,
  plainHttpRemoteOrigin,
  requestProtocol,
} from './plain-http'

describe('plain HTTP off this machine', () => {
  it('knows the hosts browsers treat as this machine', () => {
    for (const host of [
      'localhost',
      'LOCALHOST',
      'app.localhost',
      '127.0.0.1',
      '127.0.0.2',
      '127.255.0.9',
      '::1',
      '[::1]',
      'localhost.',
    ])
      expect(isLoopbackHost(host), host).toBe(true)
    for (const host of [
      '192.0.2.2',
      '10.0.0.5',
      'lockstep.internal',
      'localhost.example',
      '128.0.0.1',
      '::2',
      'fd00::2',
      '0.0.0.0',
    ])
      expect(isLoopbackHost(host), host).toBe(false)
  })

  it('is a plain-HTTP page on another host, with or without a port', () => {
    expect(isPlainHttpRemote('http', '192.0.2.2:3000')).toBe(true)
    expect(isPlainHttpRemote('http:', 'lockstep.internal')).toBe(true)
    expect(isPlainHttpRemote('http', '[fd00::2]:3000')).toBe(true)
    expect(isPlainHttpRemote('https', '192.0.2.2:3000')).toBe(false)
    expect(isPlainHttpRemote('http', 'localhost:3000')).toBe(false)
    expect(isPlainHttpRemote('http', '127.0.0.1:3000')).toBe(false)
    expect(isPlainHttpRemote('http', '[::1]:3000')).toBe(false)
    expect(isPlainHttpRemote('http', null)).toBe(false)
  })

  it('takes the scheme from a trusted proxy only; Lockstep itself serves plain HTTP', () => {
    const proxied = {
      host: 'lockstep.example',
      'x-forwarded-proto': 'https',
      'x-forwarded-for': '198.51.100.7, 10.0.0.2',
    }
    expect(requestProtocol(new Headers(proxied), ['10.0.0.0/8'])).toBe('https')
    expect(plainHttpRemoteHost(new Headers(proxied), ['10.0.0.0/8'])).toBeNull()
    // The same headers from anyone else do not count.
    expect(requestProtocol(new Headers(proxied), [])).toBe('http')
    expect(plainHttpRemoteHost(new Headers(proxied), [])).toBe('lockstep.example')
    expect(plainHttpRemoteHost(new Headers({ host: '192.0.2.2:3000', 'x-forwarded-for': '192.0.2.9' }), [])).toBe(
      '192.0.2.2:3000',
    )
    expect(plainHttpRemoteHost(new Headers({ host: 'localhost:3000', 'x-forwarded-for': '127.0.0.1' }), [])).toBeNull()
  })

  it('reads a POST by the Origin its browser sent', () => {
    expect(plainHttpRemoteOrigin(new Headers({ origin: 'http://192.0.2.2:3000' }))).toBe('192.0.2.2:3000')
    expect(plainHttpRemoteOrigin(new Headers({ origin: 'https://lockstep.example' }))).toBeNull()
    expect(plainHttpRemoteOrigin(new Headers({ origin: 'http://localhost:3000' }))).toBeNull()
    expect(plainHttpRemoteOrigin(new Headers({ origin: 'null' }))).toBeNull()
    expect(plainHttpRemoteOrigin(new Headers())).toBeNull()
  })
})
