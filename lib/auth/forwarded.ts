import { BlockList, isIP } from 'node:net'

// A reverse proxy tells Lockstep, in X-Forwarded-* headers, which host and scheme the browser used and which
// address it came from. Anyone can send those headers, so they count only on a connection from an address in
// TRUSTED_PROXIES (lib/env.ts; none by default). The web server (lib/runtime/web-server.ts) drops them from every
// other connection and appends the connection's own address to X-Forwarded-For, so its last entry is always the
// peer; the rules below check that peer again, so that nothing here depends on the server alone.

/** Addresses and CIDR ranges (`10.0.0.7`, `10.0.0.0/8`, `fd00::/8`), already validated by isProxyAddress. */
export type TrustedProxies = readonly string[]

/** True for an IPv4 or IPv6 address, or such an address with a prefix length (a CIDR range). */
export function isProxyAddress(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/')
  const family = isIP(address)
  if (!family || rest.length) return false
  if (prefix === undefined) return true
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)
}

const lists = new WeakMap<TrustedProxies, BlockList>()

function blockListOf(trusted: TrustedProxies): BlockList {
  let list = lists.get(trusted)
  if (!list) {
    list = new BlockList()
    for (const entry of trusted) {
      const [address = '', prefix] = entry.split('/')
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4'
      if (prefix === undefined) list.addAddress(address, type)
      else list.addSubnet(address, Number(prefix), type)
    }
    lists.set(trusted, list)
  }
  return list
}

/** True when `address` is one of the trusted proxies (an IPv4 address also as ::ffff:a.b.c.d). */
export function isTrustedProxy(address: string | null | undefined, trusted: TrustedProxies): boolean {
  if (!address || trusted.length === 0) return false
  const family = isIP(address)
  return family !== 0 && blockListOf(trusted).check(address, family === 6 ? 'ipv6' : 'ipv4')
}

function forwardedFor(headers: Headers): string[] {
  return (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
}

function firstValue(headers: Headers, name: string): string | null {
  return headers.get(name)?.split(',')[0]?.trim() || null
}

/** True when the connection this request arrived on came from a trusted proxy. */
export function isFromTrustedProxy(headers: Headers, trusted: TrustedProxies): boolean {
  return isTrustedProxy(forwardedFor(headers).at(-1), trusted)
}

/** The host the browser sent the request to: a trusted proxy's X-Forwarded-Host, otherwise the Host header. */
export function requestHost(headers: Headers, trusted: TrustedProxies): string | null {
  const forwarded = isFromTrustedProxy(headers, trusted) ? firstValue(headers, 'x-forwarded-host') : null
  return forwarded ?? headers.get('host')
}

/**
 * The address of the client, for the audit log: X-Forwarded-For read from its end, past every trusted proxy (each
 * appends the address it was reached from); without a trusted proxy, the address of the connection itself.
 */
export function clientAddress(headers: Headers, trusted: TrustedProxies): string | null {
  const chain = forwardedFor(headers)
  let index = chain.length - 1
  while (index > 0 && isTrustedProxy(chain[index], trusted)) index--
  const trustedToTheEnd = index === 0 && isTrustedProxy(chain[0], trusted)
  const value = trustedToTheEnd ? (firstValue(headers, 'x-real-ip') ?? chain[0]) : chain[index]
  return value ? value.slice(0, 100) : null
}
