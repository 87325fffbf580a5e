import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import { parse } from 'pg-connection-string'
import { databaseEnv } from '@/lib/env'

// Lockstep's own database server is no target: a connection there could read and change Lockstep's own
// state (users, roles, stored secrets). It is found by port and address, not by name: "localhost",
// 127.0.0.2, ::1, 0.0.0.0, ::ffff:127.0.0.1 and the machine's own interface addresses all reach a server
// on this machine. The addresses checked are the ones connected to (see `addresses`), so a name that
// resolves elsewhere when checked and here when connecting cannot slip through.

export type ResolvedAddress = { address: string; family: number }

export type ResolvedEndpoint =
  /** `addresses`: what the host resolved to, the only addresses to connect to; null for a Unix socket directory. */
  | { resolvable: true; addresses: ResolvedAddress[] | null; ownServer: boolean }
  | { resolvable: false; ownServer: false }

/** An IP address in one spelling: lower-case IPv6 without zone, IPv4-mapped IPv6 as IPv4. */
export function canonicalAddress(address: string): string {
  if (isIP(address) !== 6) return address
  const bare = address.replace(/%.*$/, '').toLowerCase()
  let compressed: string
  try {
    compressed = new URL(`http://[${bare}]/`).hostname.slice(1, -1)
  } catch {
    return bare
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(compressed)
  if (!mapped) return compressed
  const [high, low] = [Number.parseInt(mapped[1] ?? '0', 16), Number.parseInt(mapped[2] ?? '0', 16)]
  return [high >> 8, high & 255, low >> 8, low & 255].join('.')
}

function isThisMachine(address: string): boolean {
  const a = canonicalAddress(address)
  if (a.startsWith('127.') || a === '0.0.0.0' || a === '::1' || a === '::') return true
  return Object.values(networkInterfaces()).some((list) => list?.some((i) => canonicalAddress(i.address) === a))
}

async function resolve(host: string): Promise<ResolvedAddress[]> {
  const family = isIP(host)
  if (family) return [{ address: host, family }]
  try {
    return await lookup(host, { all: true })
  } catch {
    return []
  }
}

/** Lockstep's own database server, from DATABASE_URL (which also names the embedded server when that is in use). */
async function ownServer(): Promise<{ host: string; port: number; local: boolean; addresses: Set<string> }> {
  const config = parse(databaseEnv().DATABASE_URL)
  const host = config.host || 'localhost'
  const port = Number(config.port || 5432)
  if (host.startsWith('/')) return { host, port, local: true, addresses: new Set() }
  const addresses = (await resolve(host)).map((a) => canonicalAddress(a.address))
  return { host, port, local: addresses.some(isThisMachine), addresses: new Set(addresses) }
}

/** Where `host`:`port` leads, and whether that is Lockstep's own database server. */
export async function resolveEndpoint(host: string, port: number): Promise<ResolvedEndpoint> {
  const own = await ownServer()
  const samePort = port === own.port
  if (host.startsWith('/')) return { resolvable: true, addresses: null, ownServer: samePort && own.local }
  const addresses = await resolve(host)
  if (addresses.length === 0) return { resolvable: false, ownServer: false }
  const reachesOwn = own.local
    ? addresses.some((a) => isThisMachine(a.address))
    : host.trim().toLowerCase() === own.host.toLowerCase() ||
      addresses.some((a) => own.addresses.has(canonicalAddress(a.address)))
  return { resolvable: true, addresses, ownServer: samePort && reachesOwn }
}
