/**
 * GETs one of the app's JSON routes for a live view. A failed answer becomes an error whose message is fit to
 * show as it is (the status, or the caller's sentence), never a response body or a stack.
 */
export async function fetchJson<T>(url: string, failure?: string): Promise<T> {
  const response = await fetch(url, { cache: 'no-store' })
  if (!response.ok) throw new Error(failure ?? String(response.status))
  return response.json() as Promise<T>
}
