import { describe, expect, it } from 'vitest'
import { maskWebhookUrl } from './webhook-url'

describe('maskWebhookUrl', () => {
  it('keeps a short path and hides a long one but its end', () => {
    expect(maskWebhookUrl('http://127.0.0.1:4000/hook')).toBe('http://127.0.0.1:4000/hook')
    expect(maskWebhookUrl('https://hooks.slack.com/services/T000/B000/abcdefghijkl')).toBe(
      'https://hooks.slack.com/…ijkl',
    )
  })

  it('hides a query and says when the value is no URL', () => {
    expect(maskWebhookUrl('https://example.com/h?token=secret')).toBe('https://example.com/h?…')
    expect(maskWebhookUrl('nonsense')).toBe('(not a URL)')
  })
})
