import { describe, expect, it } from 'vitest'
import { UsageError } from '../cli-args'
import { baseUrlOf, connectionArgs, idempotencyKeyOf, pushArgs, runArgs, statusArgs, tokenOf } from './options'

// The command lines of `lockstep remote`: what is accepted, what is refused, and that a token never ends up in
// a message.

const SECRET = 'lst_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'

describe('connection options', () => {
  it('refuses a token given as a flag, in either form, without repeating it', () => {
    for (const args of [['--token', SECRET], [`--token=${SECRET}`]]) {
      const error = (() => {
        try {
          connectionArgs([...args])
        } catch (e) {
          return e as Error
        }
      })()
      expect(error).toBeInstanceOf(UsageError)
      expect(error?.message).toMatch(/LOCKSTEP_TOKEN or use --token-file/)
      expect(error?.message).not.toContain(SECRET)
    }
  })

  it('takes --url and --token-file out of the arguments', () => {
    const args = ['push', '--url', 'https://l.example', '--token-file', 't.txt', '--plan', 'P']
    expect(connectionArgs(args)).toEqual({ url: 'https://l.example', tokenFile: 't.txt' })
    expect(args).toEqual(['push', '--plan', 'P'])
  })

  it('takes Lockstep’s address with or without /api/v1, keeping a path prefix', () => {
    expect(baseUrlOf('https://lockstep.example.com').href).toBe('https://lockstep.example.com/')
    expect(baseUrlOf('https://lockstep.example.com/api/v1/').href).toBe('https://lockstep.example.com/')
    expect(baseUrlOf('http://ci.local:3000/tools/lockstep').href).toBe('http://ci.local:3000/tools/lockstep/')
  })

  it('refuses an address that is not http(s), is missing, or carries a password', () => {
    expect(() => baseUrlOf(undefined)).toThrow(/--url .* or LOCKSTEP_URL/)
    expect(() => baseUrlOf('lockstep.example.com')).toThrow(/http:\/\/ or https:\/\//)
    expect(() => baseUrlOf('ftp://lockstep.example.com')).toThrow(/not ftp:/)
    expect(() => baseUrlOf('https://me:pw@lockstep.example.com')).toThrow(/user name or password/)
  })

  it('reads the token from the file before the environment, trimmed; refuses none or a malformed one', () => {
    expect(tokenOf(`${SECRET}\n`, 'lst_other', 'token.txt')).toBe(SECRET)
    expect(tokenOf(undefined, ` ${SECRET} `)).toBe(SECRET)
    expect(() => tokenOf(undefined, undefined)).toThrow(/No token: set LOCKSTEP_TOKEN/)
    expect(() => tokenOf('', undefined, 'token.txt')).toThrow('--token-file token.txt is empty.')
    const error = (() => {
      try {
        tokenOf(undefined, 'lst_a b')
      } catch (e) {
        return e as Error
      }
    })()
    expect(error?.message).toBe('The token in LOCKSTEP_TOKEN has spaces or characters a token never has.')
  })
})

describe('push, run and status arguments', () => {
  it('reads push', () => {
    expect(pushArgs(['--plan', 'Orders', '--phase', 'Schema', '--dir', 'migrations/', '--dry-run'])).toEqual({
      plan: 'Orders',
      phase: 'Schema',
      dir: 'migrations/',
      allowAppliedChange: false,
      dryRun: true,
    })
    expect(() => pushArgs(['--plan', 'Orders', '--dir', 'm'])).toThrow(/--phase is required/)
    expect(() => pushArgs(['--plan', 'O', '--phase', 'S', '--dir', 'm', 'extra'])).toThrow(/Unexpected: extra/)
    expect(() => pushArgs(['--plan', '--phase', 'S', '--dir', 'm'])).toThrow('--plan needs a value.')
  })

  it('reads run; --timeout is a whole number of seconds and only with --wait', () => {
    expect(runArgs(['--plan', 'P', '--phase', 'F', '--env', 'staging', '--wait', '--timeout', '600'])).toEqual({
      plan: 'P',
      phase: 'F',
      env: 'staging',
      dryRun: false,
      wait: true,
      timeoutSeconds: 600,
      idempotencyKey: undefined,
    })
    expect(() => runArgs(['--plan', 'P', '--phase', 'F', '--env', 'e', '--timeout', '60'])).toThrow(/with --wait/)
    expect(() => runArgs(['--plan', 'P', '--phase', 'F', '--env', 'e', '--wait', '--timeout', '1.5'])).toThrow(
      /--timeout takes a whole number/,
    )
    expect(() => runArgs(['--plan', 'P', '--phase', 'F'])).toThrow(/--env is required/)
    expect(() => runArgs(['--plan', 'P', '--phase', 'F', '--env', 'e', '--idempotency-key', 'k'.repeat(151)])).toThrow(
      /at most 150/,
    )
  })

  it('reads status', () => {
    expect(statusArgs([])).toEqual({ plan: undefined })
    expect(statusArgs(['--plan', 'Orders'])).toEqual({ plan: 'Orders' })
    expect(() => statusArgs(['Orders'])).toThrow(/Unexpected: Orders/)
  })
})

describe('idempotency keys', () => {
  const staging = { planId: 'p', phaseId: 'f', environmentId: 'staging', dryRun: false }
  it('derives the same key for the same start, another for another start, from a pipeline’s key', () => {
    const key = idempotencyKeyOf('gh-123-1', staging)
    expect(key).toMatch(/^gh-123-1-[0-9a-f]{16}$/)
    expect(idempotencyKeyOf('gh-123-1', { ...staging })).toBe(key)
    expect(idempotencyKeyOf('gh-123-1', { ...staging, environmentId: 'production' })).not.toBe(key)
    expect(idempotencyKeyOf('gh-123-1', { ...staging, dryRun: true })).not.toBe(key)
  })

  it('makes a new key per invocation without one', () => {
    expect(idempotencyKeyOf(undefined, staging)).not.toBe(idempotencyKeyOf(undefined, staging))
    expect(idempotencyKeyOf(undefined, staging).length).toBeLessThanOrEqual(200)
  })
})
