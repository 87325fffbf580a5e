// What one page request costs the web server in CPU time, page by page: requests are sent one at a time, as a
// browser sends them (it accepts compressed answers), and the web server's processes (/proc: the cluster's
// primary and every web process) are read before and after. Latency on a shared machine says little about
// this – a request waits for cores others hold – while CPU time is what the pages take from the machine.
// Even CPU time varies on a shared (virtual) machine, so the pages take turns over several rounds and each
// page's figure is the median of its rounds. `navigation` asks for the pages as the router does when a person
// follows a link inside the app (RSC: 1): the React Server Components payload, no HTML. Without the router's
// state tree the shared layout is rendered again too, so that figure is an upper bound of a navigation's cost.
import { type Choose, cpuSeconds } from './cores'

export type PageCpu = {
  label: string
  requests: number
  cpuMs: number
  rounds: number[]
  /** Lockstep's PostgreSQL's CPU ms per request (median of the rounds; its idle work for the worker included). */
  databaseMs: number
  kb: number
  encoding: string
}

/**
 * Each page `requests` times in a row (after `warmUp` unmeasured requests), the pages in turn, `rounds` times;
 * the web server's and Lockstep's PostgreSQL's CPU ms per request, medians of the rounds.
 */
export async function measurePageCpu(
  base: string,
  cookie: string,
  pages: { label: string; path: string }[],
  { web, database }: { web: Choose; database: Choose },
  {
    requests,
    warmUp,
    rounds,
    navigation = false,
  }: { requests: number; warmUp: number; rounds: number; navigation?: boolean },
): Promise<PageCpu[]> {
  const headers: Record<string, string> = navigation ? { cookie, RSC: '1' } : { cookie }
  const results = pages.map((page) => ({
    label: page.label,
    requests,
    rounds: [] as number[],
    database: [] as number[],
    kb: 0,
    encoding: '',
  }))
  const used = () => cpuSeconds([web, database])
  for (let round = 0; round < rounds; round++) {
    for (const [i, page] of pages.entries()) {
      const result = results[i]
      if (!result) continue
      const url = await resolved(`${base}${page.path}`, headers)
      for (let n = 0; n < warmUp; n++) await request(url, headers)
      const before = used()
      for (let n = 0; n < requests; n++) {
        const { bytes, encoding } = await request(url, headers)
        result.kb = bytes / 1024
        result.encoding = encoding
      }
      const after = used()
      const perRequest = (group: Choose) =>
        (((after.get(group.label) ?? 0) - (before.get(group.label) ?? 0)) * 1000) / requests
      result.rounds.push(perRequest(web))
      result.database.push(perRequest(database))
    }
  }
  return results.map(({ database, ...r }) => ({ ...r, cpuMs: median(r.rounds), databaseMs: median(database) }))
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2
}

/**
 * Where the server answers `url` for these headers: the router's requests carry a cache-busting parameter
 * (_rsc) computed from their headers, and the server sends a request without the right one there first.
 */
async function resolved(url: string, headers: Record<string, string>): Promise<string> {
  const response = await fetch(url, { headers, redirect: 'manual' })
  await response.arrayBuffer()
  const location = response.status === 307 ? response.headers.get('location') : null
  return location ? new URL(location, url).toString() : url
}

/** One request as a browser makes it (fetch accepts gzip and deflate): the page's size and how it was encoded. */
async function request(url: string, headers: Record<string, string>): Promise<{ bytes: number; encoding: string }> {
  const response = await fetch(url, { headers, redirect: 'manual' })
  const body = await response.arrayBuffer()
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}, not 200.`)
  return { bytes: body.byteLength, encoding: response.headers.get('content-encoding') ?? 'none' }
}
