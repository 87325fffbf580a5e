// What one page request costs the web server in CPU time, page by page: requests are sent one at a time, as a
// browser sends them (it accepts compressed answers), and the web server's processes (/proc: the cluster's
// primary and every web process) are read before and after. Latency on a shared machine says little about
// this – a request waits for cores others hold – while CPU time is what the pages take from the machine.
import { type Choose, cpuSeconds } from './cores'

export type PageCpu = { label: string; requests: number; cpuMs: number; kb: number; encoding: string }

/** Each page `requests` times in a row (after `warmUp` unmeasured requests), and the web server's CPU ms per request. */
export async function measurePageCpu(
  base: string,
  cookie: string,
  pages: { label: string; path: string }[],
  web: Choose,
  { requests, warmUp }: { requests: number; warmUp: number },
): Promise<PageCpu[]> {
  const results: PageCpu[] = []
  for (const page of pages) {
    const url = `${base}${page.path}`
    for (let i = 0; i < warmUp; i++) await request(url, cookie)
    const before = cpuSeconds([web]).get(web.label) ?? 0
    let bytes = 0
    let encoding = ''
    for (let i = 0; i < requests; i++) ({ bytes, encoding } = await request(url, cookie))
    const used = (cpuSeconds([web]).get(web.label) ?? 0) - before
    results.push({ label: page.label, requests, cpuMs: (used * 1000) / requests, kb: bytes / 1024, encoding })
  }
  return results
}

/** One request as a browser makes it (fetch accepts gzip and deflate): the page's size and how it was encoded. */
async function request(url: string, cookie: string): Promise<{ bytes: number; encoding: string }> {
  const response = await fetch(url, { headers: { cookie }, redirect: 'manual' })
  const body = await response.arrayBuffer()
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}, not 200.`)
  return { bytes: body.byteLength, encoding: response.headers.get('content-encoding') ?? 'none' }
}
