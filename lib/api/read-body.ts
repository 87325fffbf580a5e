/**
 * A request's body as text, read piece by piece and given up (null) as soon as it passes `maxBytes`: neither a
 * declared nor a chunked body larger than that is ever held in memory. The web server cuts bodies at
 * MAX_REQUEST_BYTES already; this keeps a route's own, often smaller, limit where the route reads.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string | null> {
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (Number.isFinite(declared) && declared > maxBytes) return null
  if (!request.body) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined)
      return null
    }
    chunks.push(value)
  }
  return new TextDecoder().decode(Buffer.concat(chunks))
}
