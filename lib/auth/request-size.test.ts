import { describe, expect, it } from 'vitest'
import { isOversized, MAX_REQUEST_BYTES } from './request-size'

describe('request size', () => {
  it('refuses a declared body over the limit, and lets smaller or undeclared ones through', () => {
    expect(isOversized(new Headers({ 'content-length': String(50 * 1024 * 1024) }))).toBe(true)
    expect(isOversized(new Headers({ 'content-length': String(MAX_REQUEST_BYTES + 1) }))).toBe(true)
    expect(isOversized(new Headers({ 'content-length': String(MAX_REQUEST_BYTES) }))).toBe(false)
    expect(isOversized(new Headers())).toBe(false)
  })
})
