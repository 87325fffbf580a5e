import { createServer, connect, type Server, type Socket } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { connectPostgres, postgresTargetFromUrl } from './postgres'

// sslMode "prefer" asks for TLS first. The test server has none, so it refuses and the client connects again in
// plain text; the refusal is remembered, and the next connections to the same server start plain. A relay in front
// of the real server counts the TCP connections each `connectPostgres` makes.

const sockets = new Set<Socket>()
let relay: Server | null = null
afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => relay?.close(resolve))
})

async function countingRelay(to: { host: string; port: number }): Promise<{ port: number; accepted: () => number }> {
  let accepted = 0
  relay = createServer((client) => {
    accepted++
    const server = connect(to.port, to.host)
    for (const socket of [client, server]) {
      sockets.add(socket)
      socket.on('error', () => undefined)
    }
    client.pipe(server).pipe(client)
  })
  await new Promise<void>((resolve) => relay?.listen(0, '127.0.0.1', resolve))
  const address = relay.address()
  if (!address || typeof address === 'string') throw new Error('The relay has no port.')
  return { port: address.port, accepted: () => accepted }
}

describe('sslMode prefer against a server without TLS', () => {
  it('asks once, then starts plain while the refusal is remembered', async () => {
    const target = postgresTargetFromUrl(await createFreshDatabase('ssl_prefer', { migrate: false }))
    const { port, accepted } = await countingRelay({ host: target.host, port: target.port })
    const through = { ...target, port, sslMode: 'prefer' as const }

    const first = await connectPostgres(through)
    expect(accepted()).toBe(2) // TLS asked for and refused, then plain
    const second = await connectPostgres(through)
    expect(accepted()).toBe(3) // plain at once
    for (const client of [first, second]) {
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
      await client.end()
    }
  })
})
