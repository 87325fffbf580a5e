/**
 * A receiver's URL as pages and the audit log show it: scheme, host and port, with a long path or any query
 * shortened to its last characters – an incoming-webhook URL (Slack's) is itself the secret that lets anyone post.
 */
export function maskWebhookUrl(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return '(not a URL)'
  }
  const path = url.pathname.length > 12 ? `/…${url.pathname.slice(-4)}` : url.pathname
  return `${url.protocol}//${url.host}${path}${url.search ? '?…' : ''}`
}
