import { QueryClient } from '@tanstack/react-query'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { monitorQueries } from './monitoring'
import { notificationQueries } from './notifications'
import { planQueries } from './plans'
import { runQueries } from './runs'
import { validationQueries } from './validations'

/** The keys a refresh of `queryKey` marks stale, among those a client holds. */
function invalidated(held: readonly (readonly unknown[])[], queryKey: readonly unknown[]) {
  const client = new QueryClient()
  for (const key of held) client.setQueryData(key, {})
  void client.invalidateQueries({ queryKey, refetchType: 'none' })
  return client
    .getQueryCache()
    .findAll({ stale: true })
    .map((q) => q.queryKey)
}

describe('query factories', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('gives every resource and id a key of its own', () => {
    const keys = [
      runQueries.detail('a').queryKey,
      runQueries.detail('b').queryKey,
      runQueries.rejects('a', { step: 's', offset: 0 }).queryKey,
      runQueries.rejects('a', { step: 's', offset: 100 }).queryKey,
      monitorQueries.run('a').queryKey,
      monitorQueries.connection('a', 5).queryKey,
      monitorQueries.connection('a', 15).queryKey,
      validationQueries.detail('a').queryKey,
      planQueries.recovery('a').queryKey,
      notificationQueries.inbox().queryKey,
    ].map((k) => JSON.stringify(k))
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('refreshes one run without touching another run or its rejected rows', () => {
    const a = runQueries.detail('a').queryKey
    const b = runQueries.detail('b').queryKey
    const rejects = runQueries.rejects('a', { step: 's', offset: 0 }).queryKey
    expect(invalidated([a, b, rejects], a)).toEqual([a])
    expect(invalidated([a, b, rejects], runQueries.all())).toEqual([a, b, rejects])
  })

  it('nests each detail under its resource, so a refresh of the resource reaches it', () => {
    const inbox = notificationQueries.inbox().queryKey
    expect(invalidated([inbox], notificationQueries.all())).toEqual([inbox])
    const recovery = planQueries.recovery('p').queryKey
    expect(invalidated([recovery, planQueries.recovery('q').queryKey], planQueries.detail('p'))).toEqual([recovery])
    const validation = validationQueries.detail('v').queryKey
    expect(invalidated([validation], validationQueries.details())).toEqual([validation])
  })

  it('fetches the GET route and turns a refusal into a short message', async () => {
    const fetch = vi.fn<(url: string) => Promise<Response>>(
      async () => new Response('{"error":"Not found"}', { status: 404 }),
    )
    vi.stubGlobal('fetch', fetch)
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } })
    await expect(client.fetchQuery(runQueries.detail('r1'))).rejects.toThrow(/^404$/)
    await expect(
      client.fetchQuery(runQueries.rejects('r1', { step: 's1', offset: 50, table: 'orders', column: 'email' })),
    ).rejects.toThrow(/^The rejected rows could not be loaded\.$/)
    await expect(client.fetchQuery(monitorQueries.connection('c1', 15))).rejects.toThrow(/^404$/)
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([
      '/api/runs/r1',
      '/api/runs/r1/rejects?step=s1&offset=50&table=orders&column=email',
      '/api/monitor/connections/c1?minutes=15',
    ])
  })
})
