import { BlockList, isIP } from 'node:net'
import { isFromTrustedProxy, requestHost, type TrustedProxies } from './forwarded'

// Browsers keep a Secure cookie – and so Lockstep's `__Host-` session cookie – only from a secure context: an https
// page, or a page on this machine's loopback (localhost, 127.x, ::1). Anywhere else over plain HTTP a correct
// password signs in and the browser drops the session at once, back on an empty form. These rules find that case
// so the sign-in page can say so before anyone tries (lib/auth/session-rules.ts, LOCKSTEP_ALLOW_INSECURE_HTTP).

const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addAddress('::1', 'ipv6')

/** True for a host name (without port) a browser treats as this machine: localhost, *.localhost, 127.x, ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const name = hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
  if (name === 'localhost' || name.endsWith('.localhost')) return true
  const family = isIP(name)
  return family !== 0 && LOOPBACK.check(name, family === 6 ? 'ipv6' : 'ipv4')
}

/** True when a page at `protocol://host` (host with or without its port) is plain HTTP off this machine. */
export function isPlainHttpRemote(protocol: string, host: string | null): boolean {
  if (protocol.replace(/:$/, '').toLowerCase() !== 'http' || !host) return false
  try {
    return !isLoopbackHost(new URL(`http://${host}`).hostname)
  } catch {
    return false
  }
}

/**
 * The scheme the browser used: a trusted proxy's X-Forwarded-Proto; otherwise plain HTTP, which is all Lockstep's
 * own server speaks (TLS is a reverse proxy's job, scripts/web.ts).
 */
export function requestProtocol(headers: Headers, trusted: TrustedProxies): string {
  const forwarded = isFromTrustedProxy(headers, trusted)
    ? headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase()
    : null
  return forwarded || 'http'
}

/** The page request's address when the browser reached it over plain HTTP off this machine; else null. */
export function plainHttpRemoteHost(headers: Headers, trusted: TrustedProxies): string | null {
  const host = requestHost(headers, trusted)
  return isPlainHttpRemote(requestProtocol(headers, trusted), host) ? host : null
}

/** For a POST: the Origin the browser sent when it is plain HTTP off this machine (browsers send their own, truly); else null. */
export function plainHttpRemoteOrigin(headers: Headers): string | null {
  const origin = headers.get('origin')
  if (!origin || origin === 'null') return null
  try {
    const url = new URL(origin)
    return isPlainHttpRemote(url.protocol, url.host) ? url.host : null
  } catch {
    return null
  }
}
